"""Services and their Endpoints: selector, ports, and which addresses are ready."""

from __future__ import annotations

from typing import Any

from kubernaut.tools.read.selectors import labels_string
from kubernaut.tools.read.summaries.common import drop_empty, header

Obj = dict[str, Any]


def summarize_service(service: Obj) -> Obj:
    spec = service.get("spec") or {}
    out = header(service)
    out.update(
        drop_empty(
            {
                "type": spec.get("type") or "ClusterIP",
                "cluster_ip": spec.get("clusterIP"),
                "selector": labels_string(spec.get("selector"))
                or "(none: endpoints managed by hand)",
                "ports": [_port_text(port) for port in spec.get("ports") or []],
            }
        )
    )
    return out


def endpoint_addresses(endpoints: Obj) -> tuple[list[str], list[str]]:
    """Ready and not-ready addresses, each named by its pod when it has one."""
    ready: list[str] = []
    not_ready: list[str] = []
    for subset in endpoints.get("subsets") or []:
        ready.extend(_address_text(address) for address in subset.get("addresses") or [])
        not_ready.extend(
            _address_text(address) for address in subset.get("notReadyAddresses") or []
        )
    return ready, not_ready


def summarize_endpoints(endpoints: Obj) -> Obj:
    ready, not_ready = endpoint_addresses(endpoints)
    out = header(endpoints)
    out.update({"ready": len(ready), "not_ready": len(not_ready)})
    out.update(drop_empty({"ready_addresses": ready, "not_ready_addresses": not_ready}))
    return out


def _port_text(port: Obj) -> str:
    name = f"{port['name']} " if port.get("name") else ""
    target = port.get("targetPort", port.get("port"))
    return f"{name}{port.get('port')}->{target}/{port.get('protocol', 'TCP')}"


def _address_text(address: Obj) -> str:
    target = address.get("targetRef") or {}
    if target.get("kind") == "Pod":
        return f"{target.get('name')} ({address.get('ip')})"
    return str(address.get("ip"))
