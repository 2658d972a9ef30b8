"""Column definitions and cell values of the API server's built-in printers.

Each printer yields every cell, the ``-o wide`` ones included: the API server renders
tables as if wide and kubectl drops columns with priority 1 unless asked for them. Cell
types follow the real printers (counts are integers, most other cells strings), because
kubectl prints whatever JSON value it receives.

Values mirror what the API server would hold after defaulting (a missing
``spec.replicas`` shows as 1, a missing port protocol as TCP), so objects the simulator
stored without every default still print like the real thing.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from kubernaut.sim.clock import parse_time
from kubernaut.sim.errors import ApiError
from kubernaut.sim.pod_status import summarize_pod
from kubernaut.sim.selectors import LabelSelector

__all__ = [
    "AGE",
    "NAME",
    "PRINTERS",
    "Column",
    "Printer",
    "human_duration",
    "parse_timestamp",
    "since",
]

Obj = Mapping[str, Any]
Cells = Callable[[Obj, datetime], list[Any]]

_MAX_LISTED = 3  # list cells (endpoints, hosts, ports) show this many, then "+ N more..."


# --------------------------------------------------------------------------- formatting


def human_duration(delta: timedelta) -> str:
    """Kubernetes' ``HumanDuration``: about two significant figures, coarser with age.

    Seconds under 2m, minutes and seconds under 10m, minutes under 3h, hours and minutes
    under 8h, hours under 2d, days and hours under 8d, days under 2y, years and days under
    8y, then years. Up to a second in the future reads ``0s``; beyond that ``<invalid>``.
    """
    seconds = math.trunc(delta.total_seconds())
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        return f"{minutes}m{seconds % 60}s" if seconds % 60 else f"{minutes}m"
    if minutes < 3 * 60:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if hours < 8 * 24:
        return f"{days}d{hours % 24}h" if hours % 24 else f"{days}d"
    if days < 2 * 365:
        return f"{days}d"
    years = days // 365
    if years < 8:
        return f"{years}y{days % 365}d" if days % 365 else f"{years}y"
    return f"{years}y"


def parse_timestamp(value: Any) -> datetime | None:
    """A timezone-aware time from an API timestamp; ``None`` if missing or unparsable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = parse_time(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def since(value: Any, now: datetime) -> str:
    """How long before ``now`` the timestamp ``value`` was; ``<unknown>`` without one."""
    moment = parse_timestamp(value)
    return "<unknown>" if moment is None else human_duration(now - moment)


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(key)
    return obj


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _int(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _quantity(value: Any) -> str:
    """A resource quantity as text; a missing one is the zero quantity ``0``."""
    return "0" if value is None else str(value)


def _format_labels(labels: Any) -> str:
    """``k=v`` pairs sorted by key, or ``<none>``."""
    pairs = sorted(_mapping(labels).items())
    return ",".join(f"{key}={value}" for key, value in pairs) or "<none>"


def _selector_text(selector: Any) -> str:
    """A ``metav1.LabelSelector`` in selector syntax; nil and empty selectors give ``""``."""
    return str(LabelSelector.from_spec(selector if isinstance(selector, Mapping) else None))


def _format_label_selector(selector: Any) -> str:
    try:
        return _selector_text(selector) or "<none>"
    except ApiError:
        return "<error>"


def _listed(items: list[str], total: int) -> str:
    text = ",".join(items[:_MAX_LISTED])
    return f"{text} + {total - _MAX_LISTED} more..." if total > _MAX_LISTED else text


def _containers(pod_spec: Any) -> tuple[str, str]:
    """Comma-joined container names and images of a pod spec."""
    containers = [_mapping(c) for c in _list(_get(pod_spec, "containers"))]
    names = ",".join(str(c.get("name", "")) for c in containers)
    return names, ",".join(str(c.get("image", "")) for c in containers)


def _access_modes(modes: Any) -> str:
    present = set(_list(modes))
    short = {
        "ReadWriteOnce": "RWO",
        "ReadOnlyMany": "ROX",
        "ReadWriteMany": "RWX",
        "ReadWriteOncePod": "RWOP",
    }
    return ",".join(abbreviation for mode, abbreviation in short.items() if mode in present)


def _storage_class(obj: Obj) -> str:
    name = _get(obj, "spec", "storageClassName")
    if name is None:
        name = _get(obj, "metadata", "annotations", "volume.beta.kubernetes.io/storage-class")
    return str(name or "")


def _join_host_port(host: str, port: Any) -> str:
    try:
        bracket = isinstance(ipaddress.ip_address(host), ipaddress.IPv6Address)
    except ValueError:
        bracket = ":" in host
    return f"[{host}]:{port}" if bracket else f"{host}:{port}"


def _load_balancer_addresses(status: Any) -> str:
    """Sorted, de-duplicated IPs (or else hostnames) of ``status.loadBalancer.ingress``."""
    addresses = {
        entry.get("ip") or entry.get("hostname")
        for entry in map(_mapping, _list(_get(status, "loadBalancer", "ingress")))
    }
    return ",".join(sorted(address for address in addresses if address))


def _kind_name(ref: Any) -> str:
    return f"{_get(ref, 'kind') or ''}/{_get(ref, 'name') or ''}"


def _bool_text(value: Any) -> str:
    return "<unset>" if value is None else ("True" if value else "False")


def _condition_true(conditions: Any, condition_type: str) -> bool:
    for condition in map(_mapping, _list(conditions)):
        if condition.get("type") == condition_type:
            return bool(condition.get("status") == "True")
    return False


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "string"
    description: str = ""
    priority: int = 0
    format: str = ""

    def definition(self) -> dict[str, Any]:
        """The ``TableColumnDefinition`` JSON object."""
        return {
            "name": self.name,
            "type": self.type,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        }


@dataclass(frozen=True)
class Printer:
    columns: tuple[Column, ...]
    cells: Cells


PRINTERS: dict[str, Printer] = {}
"""Built-in printers by kind."""

NAME = Column("Name", format="name", description="Name of the object, unique within its scope.")
AGE = Column("Age", description="Time since the object was created.")
_CONTAINERS = Column("Containers", priority=1, description="Names of the template's containers.")
_IMAGES = Column("Images", priority=1, description="Images of the template's containers.")
_SELECTOR = Column("Selector", priority=1, description="Label selector of the managed pods.")


def _printer(kind: str, *columns: Column) -> Callable[[Cells], Cells]:
    def register(cells: Cells) -> Cells:
        PRINTERS[kind] = Printer(columns, cells)
        return cells

    return register


def _name(obj: Obj) -> str:
    return str(_get(obj, "metadata", "name") or "")


def _age(obj: Obj, now: datetime) -> str:
    return since(_get(obj, "metadata", "creationTimestamp"), now)


# --------------------------------------------------------------------------- core/v1


@_printer(
    "Pod",
    NAME,
    Column("Ready", description="Ready containers out of all containers."),
    Column("Status", description="The pod's status, summarised from its containers' states."),
    Column("Restarts", description="Container restarts, and how long ago the last one was."),
    AGE,
    Column("IP", priority=1, description="The pod's first IP address."),
    Column("Node", priority=1, description="The node the pod is bound to."),
    Column("Nominated Node", priority=1, description="The node preemption nominated."),
    Column("Readiness Gates", priority=1, description="Readiness gates that are True."),
)
def _pod(pod: Obj, now: datetime) -> list[Any]:
    summary = summarize_pod(pod)
    restarts = str(summary.restarts)
    if summary.restarts and summary.last_restart is not None:
        restarts += f" ({human_duration(now - summary.last_restart)} ago)"
    status = _mapping(pod.get("status"))
    ips = [_get(entry, "ip") for entry in _list(status.get("podIPs"))]
    gates = [_get(gate, "conditionType") for gate in _list(_get(pod, "spec", "readinessGates"))]
    gates_text = "<none>"
    if gates:
        passed = sum(_condition_true(status.get("conditions"), gate) for gate in gates)
        gates_text = f"{passed}/{len(gates)}"
    return [
        _name(pod),
        f"{summary.ready}/{summary.total}",
        summary.status,
        restarts,
        _age(pod, now),
        (ips[0] if ips else status.get("podIP")) or "<none>",
        _get(pod, "spec", "nodeName") or "<none>",
        status.get("nominatedNodeName") or "<none>",
        gates_text,
    ]


@_printer("Namespace", NAME, Column("Status", description="The namespace's phase."), AGE)
def _namespace(obj: Obj, now: datetime) -> list[Any]:
    return [_name(obj), str(_get(obj, "status", "phase") or ""), _age(obj, now)]


def _node_roles(labels: Mapping[str, Any]) -> str:
    roles = set()
    for key, value in labels.items():
        if key.startswith("node-role.kubernetes.io/") and key != "node-role.kubernetes.io/":
            roles.add(key.removeprefix("node-role.kubernetes.io/"))
        elif key == "kubernetes.io/role" and value:
            roles.add(str(value))
    return ",".join(sorted(roles)) or "<none>"


def _node_address(node: Obj, address_type: str) -> str:
    for address in map(_mapping, _list(_get(node, "status", "addresses"))):
        if address.get("type") == address_type:
            return str(address.get("address", ""))
    return "<none>"


@_printer(
    "Node",
    NAME,
    Column("Status", description="Ready condition, and whether scheduling is disabled."),
    Column("Roles", description="Roles from node-role.kubernetes.io/<role> labels."),
    AGE,
    Column("Version", description="Kubelet version."),
    Column("Internal-IP", priority=1, description="First InternalIP address."),
    Column("External-IP", priority=1, description="First ExternalIP address."),
    Column("OS-Image", priority=1, description="Operating system image."),
    Column("Kernel-Version", priority=1, description="Kernel version."),
    Column("Container-Runtime", priority=1, description="Container runtime and version."),
)
def _node(node: Obj, now: datetime) -> list[Any]:
    status = []
    for condition in map(_mapping, _list(_get(node, "status", "conditions"))):
        if condition.get("type") == "Ready":
            status = ["Ready" if condition.get("status") == "True" else "NotReady"]
    if not status:
        status = ["Unknown"]
    if _get(node, "spec", "unschedulable"):
        status.append("SchedulingDisabled")
    info = _mapping(_get(node, "status", "nodeInfo"))
    return [
        _name(node),
        ",".join(status),
        _node_roles(_mapping(_get(node, "metadata", "labels"))),
        _age(node, now),
        str(info.get("kubeletVersion", "")),
        _node_address(node, "InternalIP"),
        _node_address(node, "ExternalIP"),
        info.get("osImage") or "<unknown>",
        info.get("kernelVersion") or "<unknown>",
        info.get("containerRuntimeVersion") or "<unknown>",
    ]


_EVENTS_V1_FIELDS = {
    "regarding": "involvedObject",
    "note": "message",
    "deprecatedFirstTimestamp": "firstTimestamp",
    "deprecatedLastTimestamp": "lastTimestamp",
    "deprecatedCount": "count",
    "deprecatedSource": "source",
    "reportingController": "reportingComponent",
}


def _as_core_event(event: Obj) -> Obj:
    """An ``events.k8s.io/v1`` Event with its fields renamed to their core/v1 names."""
    if not str(event.get("apiVersion", "")).startswith("events.k8s.io/"):
        return event
    return {_EVENTS_V1_FIELDS.get(key, key): value for key, value in event.items()}


@_printer(
    "Event",
    Column("Last Seen", description="When the event was last observed."),
    Column("Type", description="Normal or Warning."),
    Column("Reason", description="Why the event happened, in CamelCase."),
    Column("Object", description="The object the event is about, as kind/name."),
    Column("Subobject", priority=1, description="Part of the object, such as a container."),
    Column("Source", priority=1, description="The component (and host) that reported it."),
    Column("Message", description="What happened."),
    Column("First Seen", priority=1, description="When the event was first observed."),
    Column("Count", priority=1, description="How many times it happened."),
    Column("Name", priority=1, format="name", description=NAME.description),
)
def _event(raw: Obj, now: datetime) -> list[Any]:
    event = _as_core_event(raw)
    first_seen = since(event.get("firstTimestamp"), now)
    if parse_timestamp(event.get("firstTimestamp")) is None:
        first_seen = since(event.get("eventTime"), now)
    last_seen = since(event.get("lastTimestamp"), now)
    if parse_timestamp(event.get("lastTimestamp")) is None:
        last_seen = first_seen
    count = _int(event.get("count"))
    series = event.get("series")
    if isinstance(series, Mapping):
        last_seen = since(series.get("lastObservedTime"), now)
        count = _int(series.get("count"))
    elif count == 0:
        count = 1  # singleton events from the new API carry no count
    involved = _mapping(event.get("involvedObject"))
    target = str(involved.get("kind", "")).lower()
    if involved.get("name"):
        target += f"/{involved['name']}"
    component = _get(event, "source", "component") or event.get("reportingComponent") or ""
    host = _get(event, "source", "host") or event.get("reportingInstance") or ""
    return [
        last_seen,
        str(event.get("type", "")),
        str(event.get("reason", "")),
        target,
        str(involved.get("fieldPath", "")),
        f"{component}, {host}" if host else str(component),
        str(event.get("message", "")).strip(),
        first_seen,
        count,
        _name(event),
    ]


def _service_external_ip(service: Obj) -> str:
    spec = _mapping(service.get("spec"))
    external_ips = [str(ip) for ip in _list(spec.get("externalIPs"))]
    match spec.get("type") or "ClusterIP":
        case "ClusterIP" | "NodePort":
            return ",".join(external_ips) or "<none>"
        case "LoadBalancer":
            balancer = _load_balancer_addresses(service.get("status"))
            if external_ips:
                return ",".join([*filter(None, balancer.split(",")), *external_ips])
            return balancer or "<pending>"
        case "ExternalName":
            return str(spec.get("externalName", ""))
        case _:
            return "<unknown>"


def _service_ports(ports: Iterable[Any]) -> str:
    pieces = []
    for port in map(_mapping, ports):
        protocol = port.get("protocol") or "TCP"
        node_port = _int(port.get("nodePort"))
        middle = f":{node_port}" if node_port > 0 else ""
        pieces.append(f"{port.get('port')}{middle}/{protocol}")
    return ",".join(pieces) or "<none>"


@_printer(
    "Service",
    NAME,
    Column("Type", description="How the service is exposed."),
    Column("Cluster-IP", description="The service's cluster IP."),
    Column("External-IP", description="External or load-balancer addresses."),
    Column("Port(s)", description="Ports, with node ports, and protocols."),
    AGE,
    Column("Selector", priority=1, description="Labels of the pods behind the service."),
)
def _service(service: Obj, now: datetime) -> list[Any]:
    spec = _mapping(service.get("spec"))
    cluster_ips = _list(spec.get("clusterIPs"))
    return [
        _name(service),
        str(spec.get("type") or "ClusterIP"),
        (cluster_ips[0] if cluster_ips else spec.get("clusterIP")) or "<none>",
        _service_external_ip(service),
        _service_ports(_list(spec.get("ports"))),
        _age(service, now),
        _format_labels(spec.get("selector")),
    ]


def _endpoints_text(subsets: list[Any]) -> str:
    listed: list[str] = []
    total = 0
    for subset in map(_mapping, subsets):
        addresses = [str(_get(a, "ip") or "") for a in _list(subset.get("addresses"))]
        ports = _list(subset.get("ports"))
        if not ports:  # headless services may have no ports
            listed += addresses
            total += len(addresses)
        for port in ports:
            listed += [_join_host_port(ip, _get(port, "port")) for ip in addresses]
            total += len(addresses)
    return _listed(listed, total)


@_printer("Endpoints", NAME, Column("Endpoints", description="Ready addresses and ports."), AGE)
def _endpoints(obj: Obj, now: datetime) -> list[Any]:
    subsets = _list(obj.get("subsets"))
    return [_name(obj), _endpoints_text(subsets) if subsets else "<none>", _age(obj, now)]


@_printer(
    "EndpointSlice",
    NAME,
    Column("AddressType", description="IPv4, IPv6 or FQDN."),
    Column("Ports", description="Port numbers (or names) of the slice."),
    Column("Endpoints", description="Endpoint addresses."),
    AGE,
)
def _endpoint_slice(obj: Obj, now: datetime) -> list[Any]:
    ports = []
    for port in map(_mapping, _list(obj.get("ports"))):
        number = port.get("port")
        ports.append(str(number if number is not None else port.get("name") or "*"))
    addresses = [
        str(address)
        for endpoint in _list(obj.get("endpoints"))
        for address in _list(_get(endpoint, "addresses"))
    ]
    return [
        _name(obj),
        str(obj.get("addressType", "")),
        _listed(ports, len(ports)) or "<unset>",
        _listed(addresses, len(addresses)) or "<unset>",
        _age(obj, now),
    ]


@_printer("ConfigMap", NAME, Column("Data", description="Number of keys."), AGE)
def _config_map(obj: Obj, now: datetime) -> list[Any]:
    keys = len(_mapping(obj.get("data"))) + len(_mapping(obj.get("binaryData")))
    return [_name(obj), keys, _age(obj, now)]


@_printer(
    "Secret",
    NAME,
    Column("Type", description="The secret's type."),
    Column("Data", description="Number of keys."),
    AGE,
)
def _secret(obj: Obj, now: datetime) -> list[Any]:
    data = len(_mapping(obj.get("data")))
    return [_name(obj), str(obj.get("type") or "Opaque"), data, _age(obj, now)]


@_printer("ServiceAccount", NAME, Column("Secrets", description="Number of secrets."), AGE)
def _service_account(obj: Obj, now: datetime) -> list[Any]:
    return [_name(obj), len(_list(obj.get("secrets"))), _age(obj, now)]


def _phase_or_terminating(obj: Obj) -> str:
    if _get(obj, "metadata", "deletionTimestamp"):
        return "Terminating"
    return str(_get(obj, "status", "phase") or "")


@_printer(
    "PersistentVolumeClaim",
    NAME,
    Column("Status", description="The claim's phase."),
    Column("Volume", description="The bound volume."),
    Column("Capacity", description="Capacity of the bound volume."),
    Column("Access Modes", description="Access modes of the bound volume."),
    Column("StorageClass", description="Storage class of the claim."),
    Column("VolumeAttributesClass", description="Volume attributes class of the claim."),
    AGE,
    Column("VolumeMode", priority=1, description="Filesystem or Block."),
)
def _pvc(obj: Obj, now: datetime) -> list[Any]:
    spec = _mapping(obj.get("spec"))
    volume = str(spec.get("volumeName") or "")
    capacity = access = ""
    if volume:
        capacity = _quantity(_get(obj, "status", "capacity", "storage"))
        access = _access_modes(_get(obj, "status", "accessModes"))
    return [
        _name(obj),
        _phase_or_terminating(obj),
        volume,
        capacity,
        access,
        _storage_class(obj),
        spec.get("volumeAttributesClassName") or "<unset>",
        _age(obj, now),
        spec.get("volumeMode") or "<unset>",
    ]


@_printer(
    "PersistentVolume",
    NAME,
    Column("Capacity", description="Storage capacity."),
    Column("Access Modes", description="Supported access modes."),
    Column("Reclaim Policy", description="What happens once the claim is released."),
    Column("Status", description="The volume's phase."),
    Column("Claim", description="The bound claim, as namespace/name."),
    Column("StorageClass", description="Storage class of the volume."),
    Column("VolumeAttributesClass", description="Volume attributes class of the volume."),
    Column("Reason", description="Why the volume is in its phase."),
    AGE,
    Column("VolumeMode", priority=1, description="Filesystem or Block."),
)
def _pv(obj: Obj, now: datetime) -> list[Any]:
    spec = _mapping(obj.get("spec"))
    claim = spec.get("claimRef")
    claim_text = f"{_get(claim, 'namespace') or ''}/{_get(claim, 'name') or ''}" if claim else ""
    return [
        _name(obj),
        _quantity(_get(spec, "capacity", "storage")),
        _access_modes(spec.get("accessModes")),
        str(spec.get("persistentVolumeReclaimPolicy") or ""),
        _phase_or_terminating(obj),
        claim_text,
        _storage_class(obj),
        spec.get("volumeAttributesClassName") or "<unset>",
        str(_get(obj, "status", "reason") or ""),
        _age(obj, now),
        spec.get("volumeMode") or "<unset>",
    ]


@_printer(
    "ResourceQuota",
    NAME,
    Column("Request", description="Used and hard amounts of non-limit resources."),
    Column("Limit", description="Used and hard amounts of limits.* resources."),
    AGE,
)
def _resource_quota(obj: Obj, now: datetime) -> list[Any]:
    hard, used = _mapping(_get(obj, "status", "hard")), _mapping(_get(obj, "status", "used"))
    requests: list[str] = []
    limits: list[str] = []
    for resource in sorted(hard):
        column = limits if resource.startswith("limits.") else requests
        column.append(f"{resource}: {_quantity(used.get(resource))}/{_quantity(hard[resource])}")
    return [_name(obj), ", ".join(requests), ", ".join(limits), _age(obj, now)]


@_printer(
    "ReplicationController",
    NAME,
    Column("Desired", type="integer", description="Desired replicas."),
    Column("Current", type="integer", description="Current replicas."),
    Column("Ready", type="integer", description="Ready replicas."),
    AGE,
    _CONTAINERS,
    _IMAGES,
    _SELECTOR,
)
def _replication_controller(obj: Obj, now: datetime) -> list[Any]:
    spec, status = _mapping(obj.get("spec")), _mapping(obj.get("status"))
    return [
        _name(obj),
        _int(spec.get("replicas"), 1),
        _int(status.get("replicas")),
        _int(status.get("readyReplicas")),
        _age(obj, now),
        *_containers(_get(spec, "template", "spec")),
        _format_labels(spec.get("selector")),
    ]


@_printer(
    "PodTemplate",
    NAME,
    Column("Containers", description="Names of the template's containers."),
    Column("Images", description="Images of the template's containers."),
    Column("Pod Labels", description="Labels of the pod template."),
)
def _pod_template(obj: Obj, now: datetime) -> list[Any]:
    template = obj.get("template")
    labels = _get(template, "metadata", "labels")
    return [_name(obj), *_containers(_get(template, "spec")), _format_labels(labels)]


# --------------------------------------------------------------------------- apps/v1


@_printer(
    "Deployment",
    NAME,
    Column("Ready", description="Ready replicas out of desired replicas."),
    Column("Up-to-date", description="Replicas running the current template."),
    Column("Available", description="Replicas available to users."),
    AGE,
    _CONTAINERS,
    _IMAGES,
    _SELECTOR,
)
def _deployment(obj: Obj, now: datetime) -> list[Any]:
    spec, status = _mapping(obj.get("spec")), _mapping(obj.get("status"))
    try:
        selector = _selector_text(spec.get("selector"))
    except ApiError:
        selector = "<invalid>"
    return [
        _name(obj),
        f"{_int(status.get('readyReplicas'))}/{_int(spec.get('replicas'), 1)}",
        _int(status.get("updatedReplicas")),
        _int(status.get("availableReplicas")),
        _age(obj, now),
        *_containers(_get(spec, "template", "spec")),
        selector,
    ]


@_printer(
    "ReplicaSet",
    NAME,
    Column("Desired", type="integer", description="Desired replicas."),
    Column("Current", type="integer", description="Current replicas."),
    Column("Ready", type="integer", description="Ready replicas."),
    AGE,
    _CONTAINERS,
    _IMAGES,
    _SELECTOR,
)
def _replica_set(obj: Obj, now: datetime) -> list[Any]:
    spec, status = _mapping(obj.get("spec")), _mapping(obj.get("status"))
    return [
        _name(obj),
        _int(spec.get("replicas"), 1),
        _int(status.get("replicas")),
        _int(status.get("readyReplicas")),
        _age(obj, now),
        *_containers(_get(spec, "template", "spec")),
        _format_label_selector(spec.get("selector")),
    ]


@_printer(
    "StatefulSet",
    NAME,
    Column("Ready", description="Ready replicas out of desired replicas."),
    AGE,
    _CONTAINERS,
    _IMAGES,
)
def _stateful_set(obj: Obj, now: datetime) -> list[Any]:
    spec = _mapping(obj.get("spec"))
    ready = _int(_get(obj, "status", "readyReplicas"))
    return [
        _name(obj),
        f"{ready}/{_int(spec.get('replicas'), 1)}",
        _age(obj, now),
        *_containers(_get(spec, "template", "spec")),
    ]


@_printer(
    "DaemonSet",
    NAME,
    Column("Desired", type="integer", description="Nodes that should run the daemon pod."),
    Column("Current", type="integer", description="Nodes running at least one daemon pod."),
    Column("Ready", type="integer", description="Nodes with a ready daemon pod."),
    Column("Up-to-date", type="integer", description="Nodes running the current template."),
    Column("Available", type="integer", description="Nodes with an available daemon pod."),
    Column("Node Selector", description="Node selector of the pod template."),
    AGE,
    _CONTAINERS,
    _IMAGES,
    _SELECTOR,
)
def _daemon_set(obj: Obj, now: datetime) -> list[Any]:
    spec, status = _mapping(obj.get("spec")), _mapping(obj.get("status"))
    pod_spec = _get(spec, "template", "spec")
    return [
        _name(obj),
        _int(status.get("desiredNumberScheduled")),
        _int(status.get("currentNumberScheduled")),
        _int(status.get("numberReady")),
        _int(status.get("updatedNumberScheduled")),
        _int(status.get("numberAvailable")),
        _format_labels(_get(pod_spec, "nodeSelector")),
        _age(obj, now),
        *_containers(pod_spec),
        _format_label_selector(spec.get("selector")),
    ]


def _controller_text(obj: Obj) -> str:
    for owner in map(_mapping, _list(_get(obj, "metadata", "ownerReferences"))):
        if owner.get("controller"):
            api_version = str(owner.get("apiVersion", ""))
            group = api_version.rpartition("/")[0]
            kind = str(owner.get("kind", "")).lower()
            return f"{kind}.{group}/{owner.get('name')}" if group else f"{kind}/{owner.get('name')}"
    return "<none>"


@_printer(
    "ControllerRevision",
    NAME,
    Column("Controller", description="The controller that owns the revision."),
    Column("Revision", description="The revision number."),
    AGE,
)
def _controller_revision(obj: Obj, now: datetime) -> list[Any]:
    return [_name(obj), _controller_text(obj), _int(obj.get("revision")), _age(obj, now)]


# --------------------------------------------------------------------------- autoscaling


def _hpa_metric_text(spec: Mapping[str, Any], status: Mapping[str, Any]) -> str:
    """One metric of an autoscaling/v2 HPA as ``current/target``."""
    metric_type = spec.get("type")
    if metric_type in ("Resource", "ContainerResource"):
        field = "resource" if metric_type == "Resource" else "containerResource"
        source, target = _mapping(spec.get(field)), _mapping(_get(spec, field, "target"))
        current = _mapping(_get(status, field, "current"))
        if target.get("averageValue") is not None:
            value = current.get("averageValue")
            return f"{source.get('name')}: {value or '<unknown>'}/{target['averageValue']}"
        utilization = current.get("averageUtilization")
        now_text = "<unknown>" if utilization is None else f"{utilization}%"
        goal = target.get("averageUtilization")
        return f"{source.get('name')}: {now_text}/{'<auto>' if goal is None else f'{goal}%'}"
    if metric_type == "Pods":
        average = _get(status, "pods", "current", "averageValue") or "<unknown>"
        return f"{average}/{_get(spec, 'pods', 'target', 'averageValue')}"
    if metric_type in ("Object", "External"):
        field = metric_type.lower()
        target = _mapping(_get(spec, field, "target"))
        current = _mapping(_get(status, field, "current"))
        if target.get("averageValue") is not None:
            return f"{current.get('averageValue') or '<unknown>'}/{target['averageValue']} (avg)"
        return f"{current.get('value') or '<unknown>'}/{target.get('value')}"
    return "<unknown type>"


def _hpa_metrics(obj: Obj) -> tuple[list[Any], list[Any]]:
    """Metric specs and statuses in autoscaling/v2 form (autoscaling/v1 has CPU only)."""
    spec, status = _mapping(obj.get("spec")), _mapping(obj.get("status"))
    if "targetCPUUtilizationPercentage" not in spec:
        return _list(spec.get("metrics")), _list(status.get("currentMetrics"))
    target = {"averageUtilization": spec["targetCPUUtilizationPercentage"]}
    metrics = [{"type": "Resource", "resource": {"name": "cpu", "target": target}}]
    current = status.get("currentCPUUtilizationPercentage")
    if current is None:
        return metrics, []
    usage = {"averageUtilization": current}
    return metrics, [{"type": "Resource", "resource": {"name": "cpu", "current": usage}}]


@_printer(
    "HorizontalPodAutoscaler",
    NAME,
    Column("Reference", description="The scaled workload, as Kind/name."),
    Column("Targets", description="Current and target values of the metrics."),
    Column("MinPods", description="Lower replica bound."),
    Column("MaxPods", description="Upper replica bound."),
    Column("Replicas", description="Current replicas."),
    AGE,
)
def _hpa(obj: Obj, now: datetime) -> list[Any]:
    spec, status = _mapping(obj.get("spec")), _mapping(obj.get("status"))
    metrics, statuses = _hpa_metrics(obj)
    texts = [
        _hpa_metric_text(_mapping(metric), _mapping(statuses[i] if i < len(statuses) else None))
        for i, metric in enumerate(metrics)
    ]
    targets = ", ".join(texts[:2]) or "<none>"
    if len(texts) > 2:
        targets += f" + {len(texts) - 2} more..."
    min_pods = spec.get("minReplicas")
    return [
        _name(obj),
        _kind_name(spec.get("scaleTargetRef")),
        targets,
        "<unset>" if min_pods is None else str(min_pods),
        _int(spec.get("maxReplicas")),
        _int(status.get("currentReplicas")),
        _age(obj, now),
    ]


# --------------------------------------------------------------------------- batch/v1


@_printer(
    "Job",
    NAME,
    Column("Status", description="Complete, Failed, Suspended, Terminating or Running."),
    Column("Completions", description="Succeeded pods out of the completions wanted."),
    Column("Duration", description="How long the job ran, or has been running."),
    AGE,
    _CONTAINERS,
    _IMAGES,
    _SELECTOR,
)
def _job(obj: Obj, now: datetime) -> list[Any]:
    spec, status = _mapping(obj.get("spec")), _mapping(obj.get("status"))
    succeeded = _int(status.get("succeeded"))
    if isinstance(spec.get("completions"), int):
        completions = f"{succeeded}/{spec['completions']}"
    elif _int(spec.get("parallelism")) > 1:
        completions = f"{succeeded}/1 of {spec['parallelism']}"
    else:
        completions = f"{succeeded}/1"
    started = parse_timestamp(status.get("startTime"))
    finished = parse_timestamp(status.get("completionTime"))
    duration = "" if started is None else human_duration((finished or now) - started)
    conditions = status.get("conditions")
    if _condition_true(conditions, "Complete"):
        state = "Complete"
    elif _condition_true(conditions, "Failed"):
        state = "Failed"
    elif _get(obj, "metadata", "deletionTimestamp"):
        state = "Terminating"
    elif _condition_true(conditions, "Suspended"):
        state = "Suspended"
    elif _condition_true(conditions, "FailureTarget"):
        state = "FailureTarget"
    else:
        state = "Running"
    return [
        _name(obj),
        state,
        completions,
        duration,
        _age(obj, now),
        *_containers(_get(spec, "template", "spec")),
        _format_label_selector(spec.get("selector")),
    ]


@_printer(
    "CronJob",
    NAME,
    Column("Schedule", description="Cron schedule."),
    Column("Timezone", description="Time zone of the schedule."),
    Column("Suspend", type="boolean", description="Whether new runs are suspended."),
    Column("Active", type="integer", description="Running jobs."),
    Column("Last Schedule", description="Time since a job was last scheduled."),
    AGE,
    _CONTAINERS,
    _IMAGES,
    _SELECTOR,
)
def _cron_job(obj: Obj, now: datetime) -> list[Any]:
    spec = _mapping(obj.get("spec"))
    job_spec = _get(spec, "jobTemplate", "spec")
    last = _get(obj, "status", "lastScheduleTime")
    return [
        _name(obj),
        str(spec.get("schedule", "")),
        spec.get("timeZone") or "<none>",
        _bool_text(spec.get("suspend")),
        len(_list(_get(obj, "status", "active"))),
        "<none>" if last is None else since(last, now),
        _age(obj, now),
        *_containers(_get(job_spec, "template", "spec")),
        _format_label_selector(_get(job_spec, "selector")),
    ]


# --------------------------------------------------------------------------- policy, networking


def _int_or_string(value: Any) -> str:
    return "N/A" if value is None else str(value)


@_printer(
    "PodDisruptionBudget",
    NAME,
    Column("Min Available", description="Pods that must stay available."),
    Column("Max Unavailable", description="Pods that may be unavailable."),
    Column("Allowed Disruptions", type="integer", description="Disruptions allowed now."),
    AGE,
)
def _pdb(obj: Obj, now: datetime) -> list[Any]:
    spec = _mapping(obj.get("spec"))
    return [
        _name(obj),
        _int_or_string(spec.get("minAvailable")),
        _int_or_string(spec.get("maxUnavailable")),
        _int(_get(obj, "status", "disruptionsAllowed")),
        _age(obj, now),
    ]


@_printer(
    "NetworkPolicy",
    NAME,
    Column("Pod-Selector", description="Pods the policy applies to."),
    AGE,
)
def _network_policy(obj: Obj, now: datetime) -> list[Any]:
    pod_selector = _get(obj, "spec", "podSelector") or {}
    return [_name(obj), _format_label_selector(pod_selector), _age(obj, now)]


def _ingress_hosts(rules: list[Any]) -> str:
    """Up to three hosts; once three are listed, any further rule adds "+ N more..."."""
    hosts: list[str] = []
    for rule in rules:
        if len(hosts) == _MAX_LISTED:
            return f"{','.join(hosts)} + {len(rules) - _MAX_LISTED} more..."
        if _get(rule, "host"):
            hosts.append(str(rule["host"]))
    return ",".join(hosts) or "*"


@_printer(
    "Ingress",
    NAME,
    Column("Class", description="The IngressClass that handles the ingress."),
    Column("Hosts", description="Hosts the rules match."),
    Column("Address", description="Load-balancer addresses."),
    Column("Ports", description="Ports served (443 as well when TLS is configured)."),
    AGE,
)
def _ingress(obj: Obj, now: datetime) -> list[Any]:
    spec = _mapping(obj.get("spec"))
    return [
        _name(obj),
        spec.get("ingressClassName") or "<none>",
        _ingress_hosts(_list(spec.get("rules"))),
        _load_balancer_addresses(obj.get("status")),
        "80, 443" if _list(spec.get("tls")) else "80",
        _age(obj, now),
    ]


@_printer(
    "IngressClass",
    NAME,
    Column("Controller", description="The controller that implements the class."),
    Column("Parameters", description="Resource holding the class's parameters."),
    AGE,
)
def _ingress_class(obj: Obj, now: datetime) -> list[Any]:
    parameters = _get(obj, "spec", "parameters")
    text = "<none>"
    if isinstance(parameters, Mapping):
        group = parameters.get("apiGroup")
        text = (
            f"{parameters.get('kind', '')}{f'.{group}' if group else ''}/{parameters.get('name')}"
        )
    return [_name(obj), str(_get(obj, "spec", "controller") or ""), text, _age(obj, now)]


# --------------------------------------------------------------------------- cluster plumbing


@_printer("Lease", NAME, Column("Holder", description="Identity of the lease holder."), AGE)
def _lease(obj: Obj, now: datetime) -> list[Any]:
    return [_name(obj), str(_get(obj, "spec", "holderIdentity") or ""), _age(obj, now)]


def _binding(obj: Obj, now: datetime) -> list[Any]:
    users, groups, accounts = [], [], []
    for subject in map(_mapping, _list(obj.get("subjects"))):
        match subject.get("kind"):
            case "User":
                users.append(str(subject.get("name")))
            case "Group":
                groups.append(str(subject.get("name")))
            case "ServiceAccount":
                accounts.append(f"{subject.get('namespace', '')}/{subject.get('name')}")
    return [
        _name(obj),
        _kind_name(obj.get("roleRef")),
        _age(obj, now),
        ", ".join(users),
        ", ".join(groups),
        ", ".join(accounts),
    ]


_BINDING_COLUMNS = (
    NAME,
    Column("Role", description="The bound role, as Kind/name."),
    AGE,
    Column("Users", priority=1, description="Users bound."),
    Column("Groups", priority=1, description="Groups bound."),
    Column("ServiceAccounts", priority=1, description="Service accounts bound."),
)
_printer("RoleBinding", *_BINDING_COLUMNS)(_binding)
_printer("ClusterRoleBinding", *_BINDING_COLUMNS)(_binding)

_DEFAULT_CLASS_ANNOTATIONS = (
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
)


@_printer(
    "StorageClass",
    NAME,
    Column("Provisioner", description="The volume plugin that provisions volumes."),
    Column("ReclaimPolicy", description="Reclaim policy of provisioned volumes."),
    Column("VolumeBindingMode", description="When volumes are bound and provisioned."),
    Column("AllowVolumeExpansion", description="Whether claims can be expanded."),
    AGE,
)
def _storage_class_row(obj: Obj, now: datetime) -> list[Any]:
    annotations = _mapping(_get(obj, "metadata", "annotations"))
    default = any(annotations.get(key) == "true" for key in _DEFAULT_CLASS_ANNOTATIONS)
    return [
        _name(obj) + (" (default)" if default else ""),
        str(obj.get("provisioner", "")),
        obj.get("reclaimPolicy") or "Delete",
        obj.get("volumeBindingMode") or "Immediate",
        bool(obj.get("allowVolumeExpansion")),
        _age(obj, now),
    ]


@_printer(
    "PriorityClass",
    NAME,
    Column("Value", type="integer", description="The priority value."),
    Column("Global-Default", type="boolean", description="Whether it is the default class."),
    AGE,
    Column("PreemptionPolicy", description="Whether pods of the class preempt others."),
)
def _priority_class(obj: Obj, now: datetime) -> list[Any]:
    return [
        _name(obj),
        _int(obj.get("value")),
        bool(obj.get("globalDefault")),
        _age(obj, now),
        str(obj.get("preemptionPolicy") or ""),
    ]


def _webhooks(obj: Obj, now: datetime) -> list[Any]:
    return [_name(obj), len(_list(obj.get("webhooks"))), _age(obj, now)]


_WEBHOOK_COLUMNS = (NAME, Column("Webhooks", type="integer", description="Webhooks."), AGE)
_printer("MutatingWebhookConfiguration", *_WEBHOOK_COLUMNS)(_webhooks)
_printer("ValidatingWebhookConfiguration", *_WEBHOOK_COLUMNS)(_webhooks)
