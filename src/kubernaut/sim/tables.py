"""Server-side ``meta.k8s.io/v1`` ``Table`` rendering, which ``kubectl get`` prints.

kubectl asks for ``Accept: application/json;as=Table;v=v1;g=meta.k8s.io`` and prints the
cells it gets back, so column names, order and cell text come from the server, ages
included (computed from the simulator's clock, as the real API server computes them from
its own). Three table convertors exist, as in Kubernetes:

* built-in printers for core kinds (:mod:`kubernaut.sim.table_columns`);
* for custom resources, ``Name`` plus the CRD version's ``additionalPrinterColumns``
  evaluated with JSONPath, or ``Name`` and ``Age`` when the CRD lists none;
* the generic ``Name`` / ``Created At`` convertor for built-in kinds without a printer
  (CustomResourceDefinition, Role, ClusterRole, LimitRange).
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from kubernaut.sim.clock import format_time
from kubernaut.sim.errors import bad_request
from kubernaut.sim.jsonpath import JSONPath, parse
from kubernaut.sim.table_columns import (
    AGE,
    NAME,
    PRINTERS,
    Column,
    Printer,
    human_duration,
    parse_timestamp,
    since,
)

__all__ = ["human_duration", "render_table"]

_INCLUDE_OBJECT = ("None", "Metadata", "Object")
_CREATED_AT_KINDS = frozenset({"CustomResourceDefinition", "Role", "ClusterRole", "LimitRange"})
_GO_ZERO_TIME = "0001-01-01T00:00:00Z"
_CREATION_TIMESTAMP = ".metadata.creationTimestamp"
_POD_ROW_CONDITION_MESSAGES = {
    "Succeeded": "The pod completed successfully.",
    "Failed": "The pod failed.",
}


def render_table(
    kind: str,
    objects: Sequence[Mapping[str, Any]],
    *,
    now: datetime,
    include_object: str = "Metadata",
    printer_columns: Sequence[Mapping[str, Any]] | None = None,
    resource_version: str = "",
    continue_token: str | None = None,
) -> dict[str, Any]:
    """The ``Table`` the API server returns for ``objects`` of ``kind``.

    ``printer_columns`` marks a custom resource: pass the served CRD version's
    ``additionalPrinterColumns`` (an empty sequence when it has none). With ``None`` the
    kind's built-in printer is used, and a kind without one gets ``Name`` and ``Age``.
    Every cell is present, ``-o wide`` ones too; those columns have priority 1.

    ``include_object`` is the ``includeObject`` query parameter: ``None`` leaves rows
    without an object, ``Metadata`` attaches a ``PartialObjectMetadata`` and ``Object``
    the whole object. Anything else is a 400 :class:`~kubernaut.sim.errors.ApiError`; a
    printer column with a malformed ``jsonPath`` raises :class:`ValueError`.
    """
    if include_object not in _INCLUDE_OBJECT:
        supported = ", ".join(f'"{value}"' for value in _INCLUDE_OBJECT)
        raise bad_request(
            f'includeObject: Unsupported value: "{include_object}": supported values: {supported}'
        )
    clock = now if now.tzinfo else now.replace(tzinfo=UTC)
    printer = _printer(kind, printer_columns)
    rows = []
    for obj in objects:
        row: dict[str, Any] = {"cells": printer.cells(obj, clock)}
        if printer_columns is None and kind == "Pod":
            phase = (obj.get("status") or {}).get("phase")
            if phase in _POD_ROW_CONDITION_MESSAGES:
                row["conditions"] = [
                    {
                        "type": "Completed",
                        "status": "True",
                        "reason": phase,
                        "message": _POD_ROW_CONDITION_MESSAGES[phase],
                    }
                ]
        if include_object != "None":
            row["object"] = _row_object(obj, include_object)
        rows.append(row)
    metadata: dict[str, Any] = {"resourceVersion": resource_version}
    if continue_token:
        metadata["continue"] = continue_token
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "columnDefinitions": [column.definition() for column in printer.columns],
        "rows": rows,
    }


def _row_object(obj: Mapping[str, Any], include_object: str) -> dict[str, Any]:
    if include_object == "Object":
        return copy.deepcopy(dict(obj))
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": copy.deepcopy(dict(obj.get("metadata") or {})),
    }


def _printer(kind: str, printer_columns: Sequence[Mapping[str, Any]] | None) -> Printer:
    if printer_columns is not None:
        return _custom_printer(printer_columns)
    if kind in PRINTERS:
        return PRINTERS[kind]
    if kind in _CREATED_AT_KINDS:
        return _CREATED_AT_PRINTER
    return _custom_printer(())


# --------------------------------------------------------------------------- generic convertor


def _created_at(obj: Mapping[str, Any], now: datetime) -> list[Any]:
    metadata = obj.get("metadata") or {}
    created = parse_timestamp(metadata.get("creationTimestamp"))
    name = metadata.get("name", "")
    return [name, _GO_ZERO_TIME if created is None else format_time(created)]


_CREATED_AT_PRINTER = Printer(
    (NAME, Column("Created At", type="date", description="When the object was created.")),
    _created_at,
)


# --------------------------------------------------------------------------- custom resources


def _custom_printer(specs: Sequence[Mapping[str, Any]]) -> Printer:
    """Name plus one column per printer column; an empty list means the default Age column.

    As in the CRD convertor, only the first value a path selects is shown, and a missing
    value (or one of the wrong type) is a null cell, which kubectl prints as blank.
    """
    if not specs:
        specs = [{"name": AGE.name, "type": "date", "jsonPath": _CREATION_TIMESTAMP}]
    columns = [NAME]
    cell_makers: list[Callable[[Mapping[str, Any], datetime], Any]] = []
    for spec in specs:
        json_path = str(spec.get("jsonPath", ""))
        column_type = str(spec.get("type", "string"))
        description = spec.get("description") or (
            AGE.description
            if json_path == _CREATION_TIMESTAMP
            else f"Custom resource column (JSONPath {json_path})."
        )
        columns.append(
            Column(
                name=str(spec.get("name", "")),
                type=column_type,
                description=str(description),
                priority=int(spec.get("priority") or 0),
                format=str(spec.get("format") or ""),
            )
        )
        cell_makers.append(_cell_maker(parse(json_path), column_type))

    def cells(obj: Mapping[str, Any], now: datetime) -> list[Any]:
        name = (obj.get("metadata") or {}).get("name", "")
        return [name, *(make(obj, now) for make in cell_makers)]

    return Printer(tuple(columns), cells)


def _cell_maker(path: JSONPath, column_type: str) -> Callable[[Mapping[str, Any], datetime], Any]:
    def cell(obj: Mapping[str, Any], now: datetime) -> Any:
        found = path.evaluate(obj)
        if not found or found[0] is None:
            return None
        return _typed_cell(column_type, found[0], now)

    return cell


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _typed_cell(column_type: str, value: Any, now: datetime) -> Any:
    match column_type:
        case "string":
            return _as_text(value)
        case "integer" if _is_number(value):
            return int(value)
        case "number" if _is_number(value):
            return float(value)
        case "boolean" if isinstance(value, bool):
            return value
        case "date" if isinstance(value, str):
            if value in ("", "null"):
                return "<unknown>"
            return "<invalid>" if parse_timestamp(value) is None else since(value, now)
    return None


def _as_text(value: Any) -> str:
    """A JSON value as the API server's JSONPath printer writes it (Go formatting)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, Mapping | list):
        text = json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return str(value)


def _go_float(value: float) -> str:
    """Go's ``%v`` for a float64: shortest digits, exponent form below 1e-4 or from 1e6."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "0"
    exact = Decimal(repr(value)).normalize()
    magnitude = exact.adjusted()
    if -4 <= magnitude < 6:
        return format(exact, "f")
    mantissa = "".join(map(str, exact.as_tuple().digits))
    if len(mantissa) > 1:
        mantissa = f"{mantissa[0]}.{mantissa[1:]}"
    sign = "-" if exact.is_signed() else ""
    return f"{sign}{mantissa}e{'-' if magnitude < 0 else '+'}{abs(magnitude):02d}"
