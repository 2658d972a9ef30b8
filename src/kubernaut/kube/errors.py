"""Errors talking to the API server, each saying what went wrong where."""

from __future__ import annotations


class KubeError(Exception):
    """The cluster could not be used: unreachable, misconfigured, or it refused."""


class KubeConfigError(KubeError):
    """The kubeconfig (or in-cluster configuration) cannot be used."""


class KubeUnreachable(KubeError):
    """No answer from the API server."""


class KubeApiError(KubeError):
    """The API server answered with an error status."""

    def __init__(self, method: str, path: str, status: int, reason: str, message: str) -> None:
        super().__init__(f"{method} {path}: {status} {reason}: {message}".rstrip(": "))
        self.method = method
        self.path = path
        self.status = status
        self.reason = reason
        self.message = message
