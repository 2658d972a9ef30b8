"""PersistentVolumeClaims and PersistentVolumes: phase, requested and actual capacity,
storage class and the volume behind them."""

from __future__ import annotations

from typing import Any

from kubernaut.tools.read.summaries.common import conditions, drop_empty, header

Obj = dict[str, Any]


def summarize_pvc(claim: Obj) -> Obj:
    spec, status = claim.get("spec") or {}, claim.get("status") or {}
    out = header(claim)
    out.update(
        drop_empty(
            {
                "phase": status.get("phase") or "Unknown",
                "capacity": (status.get("capacity") or {}).get("storage"),
                "requested": ((spec.get("resources") or {}).get("requests") or {}).get("storage"),
                "storage_class": spec.get("storageClassName"),
                "volume": spec.get("volumeName"),
                "access_modes": list(spec.get("accessModes") or []),
                "conditions": conditions(claim),
            }
        )
    )
    return out


def summarize_pv(volume: Obj) -> Obj:
    spec, status = volume.get("spec") or {}, volume.get("status") or {}
    claim = spec.get("claimRef") or {}
    out = header(volume)
    out.update(
        drop_empty(
            {
                "phase": status.get("phase"),
                "capacity": (spec.get("capacity") or {}).get("storage"),
                "claim": f"{claim.get('namespace')}/{claim.get('name')}" if claim else None,
                "storage_class": spec.get("storageClassName"),
                "reclaim_policy": spec.get("persistentVolumeReclaimPolicy"),
            }
        )
    )
    return out
