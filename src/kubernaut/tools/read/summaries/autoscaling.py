"""A HorizontalPodAutoscaler in a few lines: its target, replica bounds and counts,
each metric's current value against its target, and conditions (ScalingLimited)."""

from __future__ import annotations

from typing import Any

from kubernaut.tools.read.summaries.common import conditions, drop_empty, header

Obj = dict[str, Any]


def summarize_hpa(hpa: Obj) -> Obj:
    spec, status = hpa.get("spec") or {}, hpa.get("status") or {}
    target = spec.get("scaleTargetRef") or {}
    out = header(hpa)
    out.update(
        drop_empty(
            {
                "target": f"{target.get('kind')}/{target.get('name')}",
                "replicas": {
                    "min": int(spec.get("minReplicas", 1)),
                    "max": int(spec.get("maxReplicas") or 0),
                    "current": int(status.get("currentReplicas") or 0),
                    "desired": int(status.get("desiredReplicas") or 0),
                },
                "metrics": _metrics(spec.get("metrics") or [], status.get("currentMetrics") or []),
                "conditions": conditions(hpa),
            }
        )
    )
    return out


def _metrics(targets: list[Obj], currents: list[Obj]) -> list[str]:
    current_by_name = {_metric_name(metric): metric for metric in currents}
    lines = []
    for metric in targets:
        name = _metric_name(metric)
        body = metric.get(_key(metric)) or {}
        wanted = _value_text(body.get("target") or {})
        current = current_by_name.get(name)
        now = _value_text((current or {}).get(_key(current or {}), {}).get("current") or {})
        lines.append(f"{name}: {now or 'unknown'} (target {wanted or 'unknown'})")
    return lines


def _key(metric: Obj) -> str:
    kind = str(metric.get("type") or "Resource")
    return kind[0].lower() + kind[1:] if kind else "resource"


def _metric_name(metric: Obj) -> str:
    body = metric.get(_key(metric)) or {}
    name = body.get("name") or (body.get("metric") or {}).get("name") or "?"
    return f"{name}" if metric.get("type", "Resource") == "Resource" else f"{metric['type']} {name}"


def _value_text(value: Obj) -> str:
    if value.get("averageUtilization") is not None:
        return f"{value['averageUtilization']}% of request"
    for key in ("averageValue", "value"):
        if value.get(key) is not None:
            return str(value[key])
    return ""
