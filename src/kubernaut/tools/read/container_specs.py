"""What ``kubectl describe`` shows of containers and volumes: command, environment
(credentials redacted, references to Secrets and ConfigMaps named but not read),
probes, mounts and volumes."""

from __future__ import annotations

from typing import Any

from kubernaut.tools.read.summaries.common import clip, drop_empty, resources
from kubernaut.tools.redaction import redact_env

Obj = dict[str, Any]


def container_details(container: Obj) -> Obj:
    return drop_empty(
        {
            "name": container.get("name"),
            "image": container.get("image"),
            "command": [clip(part) for part in container.get("command") or []],
            "args": [clip(part) for part in container.get("args") or []],
            "ports": [_port(port) for port in container.get("ports") or []],
            "env": {
                entry.get("name", "?"): env_value(entry) for entry in container.get("env") or []
            },
            "env_from": [_env_source(source) for source in container.get("envFrom") or []],
            "resources": resources(container),
            "liveness_probe": probe_text(container.get("livenessProbe")),
            "readiness_probe": probe_text(container.get("readinessProbe")),
            "startup_probe": probe_text(container.get("startupProbe")),
            "mounts": [_mount(mount) for mount in container.get("volumeMounts") or []],
        }
    )


def env_value(entry: Obj) -> str:
    """A literal value (redacted when it looks secret), or the reference it comes from."""
    if "value" in entry:
        return redact_env(str(entry.get("name", "")), clip(entry.get("value") or ""))
    source = entry.get("valueFrom") or {}
    for key in ("secretKeyRef", "configMapKeyRef"):
        if key in source:
            ref = source[key] or {}
            optional = " (optional)" if ref.get("optional") else ""
            return f"{key} {ref.get('name')}/{ref.get('key')}{optional}"
    if "fieldRef" in source:
        return f"fieldRef {(source['fieldRef'] or {}).get('fieldPath')}"
    if "resourceFieldRef" in source:
        return f"resourceFieldRef {(source['resourceFieldRef'] or {}).get('resource')}"
    return "(unknown source)"


def probe_text(probe: Obj | None) -> str | None:
    """``httpGet :http/ready, delay 5s, period 10s, timeout 1s, failure threshold 3``."""
    if not probe:
        return None
    if "httpGet" in probe:
        action = probe["httpGet"] or {}
        check = f"httpGet :{action.get('port')}{action.get('path', '/')}"
    elif "tcpSocket" in probe:
        check = f"tcpSocket :{(probe['tcpSocket'] or {}).get('port')}"
    elif "exec" in probe:
        check = "exec " + " ".join(str(part) for part in (probe["exec"] or {}).get("command") or [])
    elif "grpc" in probe:
        check = f"grpc :{(probe['grpc'] or {}).get('port')}"
    else:
        check = "unknown check"
    return (
        f"{clip(check, 120)}, delay {probe.get('initialDelaySeconds', 0)}s, "
        f"period {probe.get('periodSeconds', 10)}s, timeout {probe.get('timeoutSeconds', 1)}s, "
        f"failure threshold {probe.get('failureThreshold', 3)}"
    )


def volume_text(volume: Obj) -> str:
    """``data: PersistentVolumeClaim data-postgres-0`` and the like."""
    name = volume.get("name", "?")
    if "persistentVolumeClaim" in volume:
        claim = volume["persistentVolumeClaim"] or {}
        read_only = " (read-only)" if claim.get("readOnly") else ""
        return f"{name}: PersistentVolumeClaim {claim.get('claimName')}{read_only}"
    if "configMap" in volume:
        return f"{name}: ConfigMap {(volume['configMap'] or {}).get('name')}"
    if "secret" in volume:
        return f"{name}: Secret {(volume['secret'] or {}).get('secretName')} (not read)"
    if "emptyDir" in volume:
        limit = (volume["emptyDir"] or {}).get("sizeLimit")
        return f"{name}: emptyDir" + (f" (sizeLimit {limit})" if limit else "")
    if "hostPath" in volume:
        return f"{name}: hostPath {(volume['hostPath'] or {}).get('path')}"
    kinds = [key for key in volume if key != "name"]
    return f"{name}: {kinds[0] if kinds else 'unknown'}"


def _port(port: Obj) -> str:
    name = f"{port['name']} " if port.get("name") else ""
    return f"{name}{port.get('containerPort')}/{port.get('protocol', 'TCP')}"


def _env_source(source: Obj) -> str:
    prefix = f" (prefix {source['prefix']})" if source.get("prefix") else ""
    for key in ("configMapRef", "secretRef"):
        if key in source:
            ref = source[key] or {}
            optional = " (optional)" if ref.get("optional") else ""
            return f"{key} {ref.get('name')}{prefix}{optional}"
    return "(unknown source)"


def _mount(mount: Obj) -> str:
    read_only = " (read-only)" if mount.get("readOnly") else ""
    sub_path = f" subPath {mount['subPath']}" if mount.get("subPath") else ""
    return f"{mount.get('name')} -> {mount.get('mountPath')}{sub_path}{read_only}"
