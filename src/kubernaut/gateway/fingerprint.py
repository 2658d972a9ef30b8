"""The fingerprint that identifies one incident across repeats.

Recipe: SHA-256 over the UTF-8 text ``<signal name>`` + ``\\n`` + ``<identity>``, hex,
first 40 characters (a valid label value). The identity is the target resolved to its
top-level owner, ``<Kind>/<namespace>/<name>`` (so every pod of one Deployment shares
one fingerprint); a signal naming no object uses its sorted labels instead, as
``key=value`` lines, all but ``severity``. The source, severity, status and timestamps
are left out: an alert that fires again, or goes from warning to critical, or the same
problem from another sender under the same name, is the same incident.

A storm has its own fingerprint: ``storm`` + ``\\n`` + name + ``\\n`` + environment.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from kubernaut.core.resources import ResourceRef

LENGTH = 40
UNIDENTIFYING_LABELS = frozenset({"severity"})
"""Labels that say how bad an incident is, not which one it is."""


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:LENGTH]


def target_key(target: ResourceRef) -> str:
    return f"{target.kind}/{target.namespace}/{target.name}"


def fingerprint(name: str, target: ResourceRef | None, labels: Mapping[str, str]) -> str:
    if target is not None:
        identity = target_key(target)
    else:
        identity = "\n".join(
            f"{key}={labels[key]}" for key in sorted(labels) if key not in UNIDENTIFYING_LABELS
        )
    return _digest(f"{name}\n{identity}")


def storm_fingerprint(name: str, environment: str) -> str:
    return _digest(f"storm\n{name}\n{environment}")
