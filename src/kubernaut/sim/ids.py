"""Deterministic identifiers: uids, generated name suffixes and IP addresses from one seed."""

from __future__ import annotations

import ipaddress
import random
import uuid

# The alphabet Kubernetes uses for generated names: no vowels, no look-alike characters.
_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


class IdSource:
    """Everything random in the simulator draws from here, so a seed replays a run."""

    def __init__(self, seed: int = 0) -> None:
        self._rng = random.Random(seed)
        self._pod_ips = ipaddress.ip_network("10.244.0.0/16").hosts()
        self._service_ips = ipaddress.ip_network("10.96.0.0/16").hosts()
        next(self._service_ips)  # 10.96.0.1 is the kubernetes service

    @property
    def rng(self) -> random.Random:
        return self._rng

    def uid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def suffix(self, length: int = 5) -> str:
        return "".join(self._rng.choice(_NAME_ALPHABET) for _ in range(length))

    def pod_ip(self) -> str:
        return str(next(self._pod_ips))

    def service_ip(self) -> str:
        return str(next(self._service_ips))
