"""PATCH bodies applied to stored objects: JSON patch, JSON merge patch, strategic merge.

Errors are the ones a real API server answers with: 400 for a body that is not valid JSON
or not shaped like the patch type, 415 for a content type it does not accept, and 422 when
a well-formed JSON patch cannot be applied to the object.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable
from typing import Any, Final

import jsonpatch
import jsonpointer
import orjson

from kubernaut.sim.errors import ApiError, bad_request
from kubernaut.sim.patch_strategy import FieldPath, ListStrategy, list_strategy

JSON_PATCH: Final = "application/json-patch+json"
MERGE_PATCH: Final = "application/merge-patch+json"
STRATEGIC_MERGE_PATCH: Final = "application/strategic-merge-patch+json"
APPLY_PATCH: Final = "application/apply-patch+yaml"

PATCH_CONTENT_TYPES: Final[frozenset[str]] = frozenset(
    {JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH}
)

PATCH_DIRECTIVE: Final = "$patch"
RETAIN_KEYS: Final = "$retainKeys"
SET_ELEMENT_ORDER: Final = "$setElementOrder/"
DELETE_FROM_PRIMITIVE_LIST: Final = "$deleteFromPrimitiveList/"

Json = Any
JsonObject = dict[str, Any]


def apply_patch(
    document: JsonObject, body: bytes, content_type: str, *, kind: str | None
) -> JsonObject:
    """Apply a PATCH ``body`` of ``content_type`` to ``document``; return a new object.

    ``kind`` is the Kubernetes kind of the object; ``None`` marks a custom resource, which
    has no strategic merge information, so strategic merge patch is refused with 415.
    """
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in PATCH_CONTENT_TYPES or (
        media_type == STRATEGIC_MERGE_PATCH and kind is None
    ):
        raise _unsupported_media_type(strategic_allowed=kind is not None)
    patch = _decode(body)
    original = copy.deepcopy(document)
    if media_type == JSON_PATCH:
        return _apply_json_patch(original, patch)
    if not isinstance(patch, dict):
        raise bad_request(f"the patch must be a JSON object, got {_type_name(patch)}")
    if media_type == MERGE_PATCH:
        return _merge_patch_object(original, patch)
    assert kind is not None
    return StrategicMerge(kind).apply(original, patch)


def _unsupported_media_type(*, strategic_allowed: bool) -> ApiError:
    accepted = [JSON_PATCH, MERGE_PATCH, APPLY_PATCH]
    if strategic_allowed:
        accepted.append(STRATEGIC_MERGE_PATCH)
    return ApiError(
        415,
        "the body of the request was in an unknown format - accepted media types include: "
        + ", ".join(accepted),
    )


def _decode(body: bytes) -> Json:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise bad_request(f"error decoding patch: {exc}") from exc


def _type_name(value: Json) -> str:
    if isinstance(value, list):
        return "an array"
    if value is None:
        return "null"
    return "an object" if isinstance(value, dict) else f"a {type(value).__name__}"


# --- RFC 6902 JSON patch ------------------------------------------------------------------


def _apply_json_patch(document: JsonObject, patch: Json) -> JsonObject:
    if not isinstance(patch, list):
        raise bad_request(f"the JSON patch must be an array of operations, got {_type_name(patch)}")
    result: Json = document
    for index, operation in enumerate(patch):
        try:
            result = jsonpatch.JsonPatch([operation]).apply(result, in_place=True)
        except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as exc:
            raise ApiError(
                422, f"JSON patch operation {index} {_compact(operation)} failed: {exc}"
            ) from exc
    if not isinstance(result, dict):
        raise ApiError(422, f"the JSON patch turned the object into {_type_name(result)}")
    return result


# --- RFC 7386 JSON merge patch ------------------------------------------------------------


def _merge_patch_object(target: JsonObject, patch: JsonObject) -> JsonObject:
    result = dict(target)
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict):
            current = result.get(key)
            result[key] = _merge_patch_object(current if isinstance(current, dict) else {}, value)
        else:
            result[key] = value
    return result


# --- Kubernetes strategic merge patch -----------------------------------------------------


class StrategicMerge:
    """Strategic merge of patches into objects of one built-in ``kind``.

    Maps merge recursively, ``null`` deletes, and lists follow ``patch_strategy``: merged by
    key, merged as a set of primitives, or replaced. Directives (``$patch``,
    ``$retainKeys``, ``$setElementOrder/...``, ``$deleteFromPrimitiveList/...``) steer the
    merge and never reach the result. Values new to the object are merged into an empty
    map or list, so directives and nulls nested in them are honoured too.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def apply(self, original: JsonObject, patch: JsonObject) -> JsonObject:
        """The patched object; a root-level ``$patch: delete`` leaves it empty."""
        merged = self.merge_map(original, patch, ())
        return {} if merged is None else merged

    def merge_map(
        self, original: JsonObject, patch: JsonObject, path: FieldPath
    ) -> JsonObject | None:
        """Merge ``patch`` into ``original``; ``None`` when ``$patch: delete`` removes it."""
        directive = patch.get(PATCH_DIRECTIVE, "merge")
        if directive == "delete":
            return None
        if directive == "replace":
            return self.merge_map(
                {}, {k: v for k, v in patch.items() if k != PATCH_DIRECTIVE}, path
            )
        if directive != "merge":
            raise bad_request(f"unknown patch type: {directive!r} in map at {_where(path)}")
        result = self._retained(original, patch, path)
        orders: dict[str, Json] = {}
        for key, value in patch.items():
            if key.startswith(SET_ELEMENT_ORDER):
                orders[key.removeprefix(SET_ELEMENT_ORDER)] = value
            elif key.startswith(DELETE_FROM_PRIMITIVE_LIST):
                field = key.removeprefix(DELETE_FROM_PRIMITIVE_LIST)
                self._delete_from_primitive_list(result, field, value, (*path, field))
        for key, value in patch.items():
            if not _is_directive(key):
                self._merge_field(result, key, value, (*path, key))
        for field, order in orders.items():
            self._order_list(result, field, order, (*path, field))
        return result

    def _merge_field(self, result: JsonObject, key: str, value: Json, path: FieldPath) -> None:
        if value is None:
            result.pop(key, None)
            return
        current = result.get(key)
        if isinstance(value, dict):
            merged = self.merge_map(current if isinstance(current, dict) else {}, value, path)
            if merged is None:
                result.pop(key, None)
            else:
                result[key] = merged
        elif isinstance(value, list):
            result[key] = self.merge_list(current if isinstance(current, list) else [], value, path)
        else:
            result[key] = value

    def _retained(self, original: JsonObject, patch: JsonObject, path: FieldPath) -> JsonObject:
        """A copy of ``original``, cleared of the keys ``$retainKeys`` leaves out.

        Every key the patch sets must be retained, as a real server insists; keys set to
        ``null`` are deletions and exempt.
        """
        if RETAIN_KEYS not in patch:
            return dict(original)
        retain = patch[RETAIN_KEYS]
        if not isinstance(retain, list) or not all(isinstance(k, str) for k in retain):
            raise bad_request(f"$retainKeys at {_where(path)} must be a list of strings")
        missing = sorted(
            key
            for key, value in patch.items()
            if value is not None and not _is_directive(key) and key not in retain
        )
        if missing:
            raise ApiError(
                422,
                f"the patch at {_where(path)} sets {', '.join(missing)} "
                "which $retainKeys does not list",
            )
        return {key: value for key, value in original.items() if key in retain}

    def merge_list(self, original: list[Json], patch: list[Json], path: FieldPath) -> list[Json]:
        if any(_directive_of(item) == "replace" for item in patch):
            # {"$patch": "replace"} as an element: the rest of the patch list is the list.
            return self._fresh_list([i for i in patch if _directive_of(i) != "replace"], path)
        strategy = list_strategy(self.kind, path)
        if strategy is None:
            return self._fresh_list(patch, path)
        if strategy.merge_key is None:
            return _union(original, patch)
        return self._merge_keyed_list(original, patch, strategy.merge_key, path)

    def _fresh_list(self, items: list[Json], path: FieldPath) -> list[Json]:
        """``items`` as a new value: object elements merged into empty maps."""
        fresh: list[Json] = []
        for item in items:
            if isinstance(item, dict):
                merged = self.merge_map({}, item, path)
                if merged is not None:
                    fresh.append(merged)
            else:
                fresh.append(item)
        return fresh

    def _merge_keyed_list(
        self, original: list[Json], patch: list[Json], merge_key: str, path: FieldPath
    ) -> list[Json]:
        """Merge elements by ``merge_key``: matches merge in place, new ones are appended."""
        result = list(original)
        for item in patch:
            if not isinstance(item, dict) or merge_key not in item:
                raise bad_request(
                    f"{_where(path)}: element {_compact(item)} does not contain "
                    f"declared merge key: {merge_key}"
                )
            key = item[merge_key]
            matches = [i for i, element in enumerate(result) if _has_key(element, merge_key, key)]
            merged = self.merge_map(result[matches[0]] if matches else {}, item, path)
            if merged is None:  # $patch: delete removes every element with this key
                result = [e for e in result if not _has_key(e, merge_key, key)]
            elif matches:
                result[matches[0]] = merged
            else:
                result.append(merged)
        return result

    def _delete_from_primitive_list(
        self, result: JsonObject, field: str, values: Json, path: FieldPath
    ) -> None:
        if not isinstance(values, list):
            raise bad_request(f"$deleteFromPrimitiveList for {_where(path)} must be a list")
        current = result.get(field)
        if isinstance(current, list):
            result[field] = [item for item in current if item not in values]

    def _order_list(self, result: JsonObject, field: str, order: Json, path: FieldPath) -> None:
        if not isinstance(order, list):
            raise bad_request(f"$setElementOrder for {_where(path)} must be a list")
        current = result.get(field)
        strategy = list_strategy(self.kind, path)
        if not isinstance(current, list) or strategy is None:
            return
        identify = _identity_for(strategy)
        wanted = [_order_key(entry, strategy, path) for entry in order]
        result[field] = _apply_element_order(current, wanted, identify)


def _apply_element_order(
    items: list[Json], order: list[Hashable], identify: Callable[[Json], Hashable]
) -> list[Json]:
    """Reorder a merged list as ``$setElementOrder`` asks.

    Items named by ``order`` take that relative order. The others (added by the server,
    not by whoever sent the patch) keep their relative order and are interleaved by their
    position in ``items``: one comes before a named item only if it preceded it there.
    Named items absent from ``items`` are skipped.
    """
    rank = {key: i for i, key in enumerate(order)}
    position = {identify(item): i for i, item in enumerate(items)}
    named = sorted((i for i in items if identify(i) in rank), key=lambda i: rank[identify(i)])
    others = [i for i in items if identify(i) not in rank]
    ordered: list[Json] = []
    while named and others:
        if position[identify(others[0])] < position[identify(named[0])]:
            ordered.append(others.pop(0))
        else:
            ordered.append(named.pop(0))
    return ordered + named + others


def _identity_for(strategy: ListStrategy) -> Callable[[Json], Hashable]:
    merge_key = strategy.merge_key
    if merge_key is None:
        return _hashable
    return lambda item: _hashable(item.get(merge_key) if isinstance(item, dict) else item)


def _order_key(entry: Json, strategy: ListStrategy, path: FieldPath) -> Hashable:
    if strategy.merge_key is None:
        return _hashable(entry)
    if not isinstance(entry, dict) or strategy.merge_key not in entry:
        raise bad_request(
            f"$setElementOrder for {_where(path)}: {_compact(entry)} does not contain "
            f"declared merge key: {strategy.merge_key}"
        )
    return _hashable(entry[strategy.merge_key])


def _hashable(value: Json) -> Hashable:
    """A dictionary key for any JSON value (elements may be objects or lists)."""
    if isinstance(value, dict | list):
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    return (type(value).__name__, value)


def _union(original: list[Json], patch: list[Json]) -> list[Json]:
    """Merge two lists as ordered sets: ``original`` first, then what ``patch`` adds."""
    result: list[Json] = []
    for item in [*original, *patch]:
        if item not in result:
            result.append(item)
    return result


def _directive_of(item: Json) -> Json:
    return item.get(PATCH_DIRECTIVE) if isinstance(item, dict) else None


def _has_key(element: Json, merge_key: str, value: Json) -> bool:
    return isinstance(element, dict) and merge_key in element and element[merge_key] == value


def _is_directive(key: str) -> bool:
    return key in (PATCH_DIRECTIVE, RETAIN_KEYS) or key.startswith(
        (SET_ELEMENT_ORDER, DELETE_FROM_PRIMITIVE_LIST)
    )


def _where(path: FieldPath) -> str:
    return ".".join(path) or "the object root"


def _compact(value: Json) -> str:
    return orjson.dumps(value).decode()
