"""Where the client connects and how it authenticates: a kubeconfig file (token, token
file or client certificate users) or the in-cluster service account."""

from __future__ import annotations

import base64
import os
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kubernaut.kube.errors import KubeConfigError

IN_CLUSTER_TOKEN = Path("/var/run/secrets/kubernetes.io/serviceaccount/token")
IN_CLUSTER_CA = Path("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt")


@dataclass(frozen=True)
class Connection:
    server: str
    token: str
    verify: ssl.SSLContext | bool
    client_cert: tuple[str, str] | None = None
    source: str = ""
    """Where this came from, for error messages: a kubeconfig path or "in-cluster"."""
    ca_file: str | None = None
    """The CA bundle's path, for clients that take a path rather than an SSL context."""
    ca_data: str | None = None
    """The CA bundle as PEM text, when the kubeconfig embeds it."""
    user: str = ""
    """The kubeconfig's name for the user (not necessarily what the server calls it)."""


def default_kubeconfig() -> Path | None:
    """``$KUBECONFIG`` (its first entry), else ``~/.kube/config`` when it exists."""
    listed = os.environ.get("KUBECONFIG", "")
    if listed:
        return Path(listed.split(os.pathsep)[0])
    home = Path.home() / ".kube" / "config"
    return home if home.exists() else None


def resolve_connection(kubeconfig: Path | str | None, context: str | None = None) -> Connection:
    """The connection ``kubeconfig`` describes; with no path, the default kubeconfig, else
    the in-cluster service account."""
    path = Path(kubeconfig) if kubeconfig is not None else default_kubeconfig()
    if path is not None:
        return load_kubeconfig(path, context)
    host, port = (
        os.environ.get("KUBERNETES_SERVICE_HOST"),
        os.environ.get("KUBERNETES_SERVICE_PORT"),
    )
    if host and port and IN_CLUSTER_TOKEN.exists():
        return Connection(
            server=f"https://{host}:{port}",
            token=IN_CLUSTER_TOKEN.read_text().strip(),
            verify=ssl.create_default_context(cafile=str(IN_CLUSTER_CA)),
            source="in-cluster",
            ca_file=str(IN_CLUSTER_CA),
        )
    raise KubeConfigError(
        "no cluster configured: pass --kubeconfig, set KUBECONFIG, or run in a pod with a "
        "service account"
    )


def load_kubeconfig(path: Path, context: str | None = None) -> Connection:
    try:
        config = yaml.safe_load(path.read_text()) or {}
        chosen = context or config["current-context"]
        names = _named(config, "contexts", chosen)
        cluster = _named(config, "clusters", names["cluster"])
        user = _named(config, "users", names["user"])
        token = user.get("token") or ""
        if not token and user.get("tokenFile"):
            token = (path.parent / user["tokenFile"]).read_text().strip()
        ca_file, ca_data = _certificate_authority(path.parent, cluster)
        return Connection(
            server=str(cluster["server"]).rstrip("/"),
            token=str(token),
            verify=_verification(cluster, ca_file, ca_data),
            client_cert=_client_cert(path.parent, user),
            source=str(path),
            ca_file=ca_file,
            ca_data=ca_data,
            user=str(names["user"]),
        )
    except (OSError, ValueError, yaml.YAMLError, KeyError, TypeError, ssl.SSLError) as error:
        raise KubeConfigError(f"{path}: not a usable kubeconfig: {error!r}") from None


def _certificate_authority(base: Path, cluster: dict[str, Any]) -> tuple[str | None, str | None]:
    if cluster.get("certificate-authority-data"):
        return None, base64.b64decode(cluster["certificate-authority-data"]).decode()
    if cluster.get("certificate-authority"):
        return str(base / cluster["certificate-authority"]), None
    return None, None


def _verification(
    cluster: dict[str, Any], ca_file: str | None, ca_data: str | None
) -> ssl.SSLContext | bool:
    if cluster.get("insecure-skip-tls-verify"):
        return False
    if ca_data or ca_file:
        return ssl.create_default_context(cafile=ca_file, cadata=ca_data)
    return True


def _client_cert(base: Path, user: dict[str, Any]) -> tuple[str, str] | None:
    """Paths of the user's client certificate and key, writing inline data to private
    temporary files (the TLS stack reads only files)."""
    cert = _file_or_data(base, user, "client-certificate")
    key = _file_or_data(base, user, "client-key")
    if cert and key:
        return cert, key
    return None


def _file_or_data(base: Path, user: dict[str, Any], field: str) -> str | None:
    if user.get(f"{field}-data"):
        handle, name = tempfile.mkstemp(prefix="kubernaut-", suffix=".pem")
        with os.fdopen(handle, "wb") as out:
            out.write(base64.b64decode(user[f"{field}-data"]))
        return name
    if user.get(field):
        return str(base / user[field])
    return None


def _named(config: dict[str, Any], section: str, name: str) -> dict[str, Any]:
    for entry in config.get(section) or []:
        if entry.get("name") == name:
            found: dict[str, Any] = entry[section[:-1]]
            return found
    raise KeyError(f"no {section[:-1]} named {name!r}")
