"""Deployment revisions as annotations on its replica sets (what ``kubectl rollout`` reads).

Each replica set carries the ``revision`` it was last rolled out as. Rolling back to an
old template makes its replica set the newest again: it gets the next revision number
and remembers the numbers it had in ``revision-history``.
"""

from __future__ import annotations

from collections.abc import Iterable

from kubernaut.sim.controllers.workloads.pods import creation_key
from kubernaut.sim.controllers.workloads.rollout import DESIRED_REPLICAS, MAX_REPLICAS
from kubernaut.sim.objects import Obj, annotations_of, deep_copy

REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
POD_TEMPLATE_HASH = "pod-template-hash"

_NOT_COPIED = frozenset(
    {
        "kubectl.kubernetes.io/last-applied-configuration",
        REVISION,
        REVISION_HISTORY,
        DESIRED_REPLICAS,
        MAX_REPLICAS,
        "deprecated.deployment.rollback.to",
    }
)
_HISTORY_MAX_CHARS = 2000


def revision_of(rs: Obj) -> int:
    text = annotations_of(rs).get(REVISION, "")
    return int(text) if text.isdigit() else 0


def max_revision(replica_sets: Iterable[Obj]) -> int:
    return max((revision_of(rs) for rs in replica_sets), default=0)


def template_without_hash(template: Obj) -> Obj:
    stripped = deep_copy(template)
    labels = (stripped.get("metadata") or {}).get("labels")
    if labels is not None:
        labels.pop(POD_TEMPLATE_HASH, None)
    return stripped


def find_new_replica_set(deployment: Obj, replica_sets: list[Obj]) -> Obj | None:
    """The oldest replica set whose template is the deployment's (ignoring the hash label)."""
    wanted = template_without_hash(deployment["spec"].get("template") or {})
    for rs in sorted(replica_sets, key=creation_key):
        if template_without_hash(rs["spec"].get("template") or {}) == wanted:
            return rs
    return None


def set_replica_annotations(annotations: dict[str, str], desired: int, max_replicas: int) -> bool:
    wanted = {DESIRED_REPLICAS: str(desired), MAX_REPLICAS: str(max_replicas)}
    changed = any(annotations.get(key) != value for key, value in wanted.items())
    annotations.update(wanted)
    return changed


def sync_new_annotations(deployment: Obj, annotations: dict[str, str], revision: int) -> bool:
    """Bring the new replica set's annotations in line; True when anything changed.

    The deployment's own annotations (``kubernetes.io/change-cause`` ...) are copied over,
    and the revision only ever moves forward, keeping earlier numbers in the history.
    """
    changed = False
    for key, value in annotations_of(deployment).items():
        if key not in _NOT_COPIED and annotations.get(key) != value:
            annotations[key] = value
            changed = True
    previous = annotations.get(REVISION, "")
    previous_number = int(previous) if previous.isdigit() else 0
    if previous_number >= revision:
        return changed
    annotations[REVISION] = str(revision)
    if previous:
        annotations[REVISION_HISTORY] = _append_history(
            annotations.get(REVISION_HISTORY, ""), previous
        )
    return True


def _append_history(history: str, revision: str) -> str:
    """Append to the comma-separated history, dropping the oldest entries past the limit."""
    entries = [entry for entry in history.split(",") if entry]
    entries.append(revision)
    while len(",".join(entries)) > _HISTORY_MAX_CHARS and len(entries) > 1:
        entries.pop(0)
    return ",".join(entries)
