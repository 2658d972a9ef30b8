"""PATCH semantics of the simulated API server: what kubectl and controllers rely on."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubernaut.sim.errors import ApiError
from kubernaut.sim.patching import PATCH_CONTENT_TYPES, apply_patch

JSON_PATCH = "application/json-patch+json"
MERGE = "application/merge-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"

Obj = dict[str, Any]


def patch(
    document: Obj, body: Any, content_type: str = STRATEGIC, kind: str | None = "Deployment"
) -> Obj:
    return apply_patch(document, json.dumps(body).encode(), content_type, kind=kind)


def deployment() -> Obj:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "web",
            "namespace": "default",
            "finalizers": ["example.com/a", "example.com/b"],
            "ownerReferences": [{"uid": "u1", "kind": "Thing", "name": "t1"}],
        },
        "spec": {
            "replicas": 2,
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
            },
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "image": "web:1",
                            "args": ["--port=8080", "--verbose"],
                            "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                            "ports": [{"containerPort": 8080, "name": "http"}],
                            "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                        },
                        {"name": "sidecar", "image": "proxy:1"},
                    ],
                    "volumes": [{"name": "data", "emptyDir": {}}],
                    "tolerations": [{"key": "gpu", "operator": "Exists"}],
                },
            },
        },
        "status": {
            "conditions": [
                {"type": "Available", "status": "True"},
                {"type": "Progressing", "status": "True"},
            ]
        },
    }


def pod_spec_patch(spec: Obj) -> Obj:
    return {"spec": {"template": {"spec": spec}}}


def containers(obj: Obj) -> list[Obj]:
    result: list[Obj] = obj["spec"]["template"]["spec"]["containers"]
    return result


def container(obj: Obj, name: str) -> Obj:
    return next(c for c in containers(obj) if c["name"] == name)


def names(items: list[Obj], key: str = "name") -> list[Any]:
    return [item[key] for item in items]


def directive_keys(value: Any) -> list[str]:
    """Every key anywhere in ``value`` that looks like a strategic merge directive."""
    if isinstance(value, dict):
        found = [k for k in value if k == "$patch" or k.startswith(("$retainKeys", "$setElement"))]
        found += [k for k in value if k.startswith("$deleteFromPrimitiveList")]
        return found + [k for v in value.values() for k in directive_keys(v)]
    if isinstance(value, list):
        return [k for v in value for k in directive_keys(v)]
    return []


# --- strategic merge: what kubectl sends -------------------------------------------------


def test_set_image_merges_container_by_name() -> None:
    result = patch(
        deployment(), pod_spec_patch({"containers": [{"name": "app", "image": "web:2"}]})
    )

    assert names(containers(result)) == ["app", "sidecar"]
    assert container(result, "app")["image"] == "web:2"
    assert (
        container(result, "app")["env"]
        == deployment()["spec"]["template"]["spec"]["containers"][0]["env"]
    )
    assert container(result, "sidecar") == {"name": "sidecar", "image": "proxy:1"}


def test_rollout_restart_adds_template_annotation() -> None:
    body = {
        "spec": {
            "template": {
                "metadata": {
                    "annotations": {"kubectl.kubernetes.io/restartedAt": "2024-01-01T00:00:00Z"}
                }
            }
        }
    }
    result = patch(deployment(), body)

    template_meta = result["spec"]["template"]["metadata"]
    assert template_meta == {
        "labels": {"app": "web"},
        "annotations": {"kubectl.kubernetes.io/restartedAt": "2024-01-01T00:00:00Z"},
    }
    assert result["spec"]["template"]["spec"] == deployment()["spec"]["template"]["spec"]


def test_apply_three_way_patch_orders_containers_and_retains_keys() -> None:
    body = {
        "metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}},
        "spec": {
            "strategy": {"$retainKeys": ["type"], "type": "Recreate", "rollingUpdate": None},
            "template": {
                "spec": {
                    "$setElementOrder/containers": [
                        {"name": "sidecar"},
                        {"name": "app"},
                        {"name": "metrics"},
                    ],
                    "containers": [{"name": "metrics", "image": "metrics:1"}],
                }
            },
        },
    }
    result = patch(deployment(), body)

    assert result["spec"]["strategy"] == {"type": "Recreate"}
    assert names(containers(result)) == ["sidecar", "app", "metrics"]
    assert container(result, "metrics") == {"name": "metrics", "image": "metrics:1"}
    assert container(result, "app")["image"] == "web:1"
    assert directive_keys(result) == []


def test_retain_keys_clears_fields_the_patch_does_not_list() -> None:
    result = patch(
        deployment(), {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}
    )

    assert result["spec"]["strategy"] == {"type": "Recreate"}


def test_retain_keys_rejects_a_patch_setting_an_unlisted_key() -> None:
    body = {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate", "extra": 1}}}

    with pytest.raises(ApiError) as err:
        patch(deployment(), body)

    assert err.value.code == 422
    assert "extra" in err.value.message


def test_set_element_order_keeps_server_added_items_in_place() -> None:
    live = deployment()
    live["spec"]["template"]["spec"]["containers"].insert(
        1, {"name": "injected", "image": "mesh:1"}
    )
    body = pod_spec_patch(
        {
            "$setElementOrder/containers": [{"name": "app"}, {"name": "sidecar"}],
            "containers": [{"name": "sidecar", "image": "proxy:2"}],
        }
    )
    result = patch(live, body)

    assert names(containers(result)) == ["app", "injected", "sidecar"]
    assert container(result, "sidecar")["image"] == "proxy:2"


def test_set_element_order_alone_reorders_env() -> None:
    body = pod_spec_patch(
        {
            "containers": [
                {"name": "app", "$setElementOrder/env": [{"name": "B"}, {"name": "A"}]},
            ]
        }
    )
    result = patch(deployment(), body)

    assert names(container(result, "app")["env"]) == ["B", "A"]


def test_env_vars_added_changed_and_removed_by_name() -> None:
    env_patch = [
        {"name": "C", "value": "3"},
        {"name": "B", "value": "20"},
        {"name": "A", "$patch": "delete"},
    ]
    result = patch(
        deployment(), pod_spec_patch({"containers": [{"name": "app", "env": env_patch}]})
    )

    assert container(result, "app")["env"] == [
        {"name": "B", "value": "20"},
        {"name": "C", "value": "3"},
    ]


def test_null_inside_a_merged_element_deletes_that_field() -> None:
    body = pod_spec_patch({"containers": [{"name": "app", "env": [{"name": "B", "value": None}]}]})

    result = patch(deployment(), body)

    assert container(result, "app")["env"] == [{"name": "A", "value": "1"}, {"name": "B"}]


def test_delete_directive_removes_container() -> None:
    body = pod_spec_patch({"containers": [{"name": "sidecar", "$patch": "delete"}]})

    result = patch(deployment(), body)

    assert names(containers(result)) == ["app"]


def test_delete_directive_on_a_map_removes_it() -> None:
    result = patch(deployment(), {"spec": {"strategy": {"rollingUpdate": {"$patch": "delete"}}}})

    assert result["spec"]["strategy"] == {"type": "RollingUpdate"}


def test_null_deletes_a_field() -> None:
    result = patch(deployment(), {"spec": {"replicas": None, "strategy": None}})

    assert "replicas" not in result["spec"]
    assert "strategy" not in result["spec"]


def test_replace_directive_on_a_map_takes_the_patch_literally() -> None:
    body = pod_spec_patch({"$patch": "replace", "containers": [{"name": "only", "image": "x:1"}]})

    result = patch(deployment(), body)

    assert result["spec"]["template"]["spec"] == {"containers": [{"name": "only", "image": "x:1"}]}


def test_replace_directive_in_a_list_replaces_the_whole_list() -> None:
    body = pod_spec_patch({"containers": [{"name": "only", "image": "x:1"}, {"$patch": "replace"}]})

    result = patch(deployment(), body)

    assert containers(result) == [{"name": "only", "image": "x:1"}]


def test_merge_directive_is_the_default_behaviour() -> None:
    body = {"spec": {"strategy": {"$patch": "merge", "rollingUpdate": {"maxSurge": 3}}}}

    result = patch(deployment(), body)

    assert result["spec"]["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": 3, "maxUnavailable": 0},
    }


def test_finalizers_merge_as_a_set_keeping_order() -> None:
    result = patch(deployment(), {"metadata": {"finalizers": ["example.com/b", "example.com/c"]}})

    assert result["metadata"]["finalizers"] == ["example.com/a", "example.com/b", "example.com/c"]


def test_delete_from_primitive_list_removes_finalizers() -> None:
    body = {"metadata": {"$deleteFromPrimitiveList/finalizers": ["example.com/a"]}}

    result = patch(deployment(), body)

    assert result["metadata"]["finalizers"] == ["example.com/b"]


def test_set_element_order_reorders_finalizers() -> None:
    body = {"metadata": {"$setElementOrder/finalizers": ["example.com/b", "example.com/a"]}}

    result = patch(deployment(), body)

    assert result["metadata"]["finalizers"] == ["example.com/b", "example.com/a"]


def test_atomic_lists_are_replaced() -> None:
    body = pod_spec_patch(
        {
            "tolerations": [{"key": "spot", "operator": "Exists"}],
            "containers": [{"name": "app", "args": ["--quiet"]}],
        }
    )
    result = patch(deployment(), body)

    assert result["spec"]["template"]["spec"]["tolerations"] == [
        {"key": "spot", "operator": "Exists"}
    ]
    assert container(result, "app")["args"] == ["--quiet"]


def test_container_ports_merge_by_container_port() -> None:
    body = pod_spec_patch(
        {"containers": [{"name": "app", "ports": [{"containerPort": 9090, "name": "metrics"}]}]}
    )
    result = patch(deployment(), body)

    assert names(container(result, "app")["ports"], "containerPort") == [8080, 9090]


def test_volumes_and_mounts_merge_by_their_keys() -> None:
    body = pod_spec_patch(
        {
            "volumes": [{"name": "cache", "emptyDir": {}}],
            "containers": [
                {"name": "app", "volumeMounts": [{"name": "cache", "mountPath": "/cache"}]}
            ],
        }
    )
    result = patch(deployment(), body)

    assert names(result["spec"]["template"]["spec"]["volumes"]) == ["data", "cache"]
    assert names(container(result, "app")["volumeMounts"], "mountPath") == ["/data", "/cache"]


def test_service_ports_merge_by_port() -> None:
    service = {
        "kind": "Service",
        "spec": {"ports": [{"port": 80, "targetPort": 8080}, {"port": 443, "targetPort": 8443}]},
    }
    result = patch(service, {"spec": {"ports": [{"port": 80, "targetPort": 9000}]}}, kind="Service")

    assert result["spec"]["ports"] == [
        {"port": 80, "targetPort": 9000},
        {"port": 443, "targetPort": 8443},
    ]


def test_status_conditions_merge_by_type() -> None:
    body = {"status": {"conditions": [{"type": "Available", "status": "False", "reason": "Down"}]}}

    result = patch(deployment(), body)

    assert result["status"]["conditions"] == [
        {"type": "Available", "status": "False", "reason": "Down"},
        {"type": "Progressing", "status": "True"},
    ]


def test_owner_references_merge_by_uid() -> None:
    body = {"metadata": {"ownerReferences": [{"uid": "u2", "kind": "Other", "name": "o"}]}}

    result = patch(deployment(), body)

    assert names(result["metadata"]["ownerReferences"], "uid") == ["u1", "u2"]


def test_node_addresses_merge_by_type_and_taints_are_replaced() -> None:
    node = {
        "kind": "Node",
        "spec": {"taints": [{"key": "a", "effect": "NoSchedule"}]},
        "status": {
            "addresses": [
                {"type": "InternalIP", "address": "10.0.0.1"},
                {"type": "Hostname", "address": "n1"},
            ]
        },
    }
    body = {
        "spec": {"taints": [{"key": "b", "effect": "NoExecute"}]},
        "status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.2"}]},
    }
    result = patch(node, body, kind="Node")

    assert result["spec"]["taints"] == [{"key": "b", "effect": "NoExecute"}]
    assert result["status"]["addresses"] == [
        {"type": "InternalIP", "address": "10.0.0.2"},
        {"type": "Hostname", "address": "n1"},
    ]


def test_kind_without_merge_lists_replaces_lists_and_merges_maps() -> None:
    config_map = {"kind": "ConfigMap", "data": {"a": "1", "b": "2"}, "items": [1, 2]}

    result = patch(config_map, {"data": {"b": None, "c": "3"}, "items": [3]}, kind="ConfigMap")

    assert result == {"kind": "ConfigMap", "data": {"a": "1", "c": "3"}, "items": [3]}


def test_dollar_keys_that_are_not_directives_are_kept() -> None:
    crd = {"kind": "CustomResourceDefinition", "spec": {"schema": {"type": "object"}}}

    result = patch(crd, {"spec": {"schema": {"$ref": "#/defs/x"}}}, kind="CustomResourceDefinition")

    assert result["spec"]["schema"] == {"type": "object", "$ref": "#/defs/x"}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (pod_spec_patch({"containers": [{"image": "no-name:1"}]}), 400),
        (pod_spec_patch({"containers": ["app"]}), 400),
        ({"spec": {"strategy": {"$patch": "explode"}}}, 400),
        ({"spec": {"strategy": {"$retainKeys": "type"}}}, 400),
        ({"metadata": {"$deleteFromPrimitiveList/finalizers": "example.com/a"}}, 400),
        (pod_spec_patch({"$setElementOrder/containers": {"name": "app"}}), 400),
        (pod_spec_patch({"$setElementOrder/containers": ["app"]}), 400),
    ],
)
def test_malformed_strategic_patches_are_rejected(body: Obj, code: int) -> None:
    with pytest.raises(ApiError) as err:
        patch(deployment(), body)

    assert err.value.code == code


# --- JSON merge patch --------------------------------------------------------------------


def test_merge_patch_null_deletes_and_lists_replace() -> None:
    body = {
        "metadata": {"finalizers": ["example.com/z"], "labels": {"tier": "web", "gone": None}},
        "spec": {"strategy": None, "template": {"spec": {"containers": [{"name": "solo"}]}}},
    }
    result = patch(deployment(), body, MERGE)

    assert result["metadata"]["finalizers"] == ["example.com/z"]
    assert result["metadata"]["labels"] == {"tier": "web"}
    assert "strategy" not in result["spec"]
    assert containers(result) == [{"name": "solo"}]
    assert result["spec"]["template"]["metadata"] == {"labels": {"app": "web"}}


def test_merge_patch_works_on_custom_resources_with_content_type_parameters() -> None:
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "spec": {"size": 1, "tags": ["a"]}}

    result = patch(
        widget, {"spec": {"tags": ["b"]}}, "application/merge-patch+json; charset=utf-8", None
    )

    assert result["spec"] == {"size": 1, "tags": ["b"]}


def test_merge_patch_body_must_be_an_object() -> None:
    with pytest.raises(ApiError) as err:
        patch(deployment(), [{"op": "add"}], MERGE)

    assert err.value.code == 400


# --- JSON patch --------------------------------------------------------------------------


def test_json_patch_supports_every_operation_and_pointer_escaping() -> None:
    ops = [
        {"op": "test", "path": "/spec/replicas", "value": 2},
        {"op": "replace", "path": "/spec/replicas", "value": 5},
        {"op": "add", "path": "/metadata/annotations", "value": {}},
        {"op": "add", "path": "/metadata/annotations/example.com~1owner", "value": "team~a"},
        {"op": "add", "path": "/metadata/finalizers/-", "value": "example.com/c"},
        {"op": "remove", "path": "/metadata/finalizers/0"},
        {"op": "copy", "from": "/metadata/name", "path": "/metadata/labels"},
        {"op": "move", "from": "/metadata/labels", "path": "/metadata/generateName"},
        {"op": "test", "path": "/metadata/annotations/example.com~1owner", "value": "team~a"},
    ]
    result = patch(deployment(), ops, JSON_PATCH, kind=None)

    assert result["spec"]["replicas"] == 5
    assert result["metadata"]["annotations"] == {"example.com/owner": "team~a"}
    assert result["metadata"]["finalizers"] == ["example.com/b", "example.com/c"]
    assert result["metadata"]["generateName"] == "web"
    assert "labels" not in result["metadata"]


def test_json_patch_failing_test_op_is_422_naming_the_operation() -> None:
    ops = [
        {"op": "replace", "path": "/spec/replicas", "value": 9},
        {"op": "test", "path": "/metadata/name", "value": "other"},
    ]
    with pytest.raises(ApiError) as err:
        patch(deployment(), ops, JSON_PATCH)

    assert err.value.code == 422
    assert "operation 1" in err.value.message
    assert "/metadata/name" in err.value.message


@pytest.mark.parametrize(
    "op",
    [
        {"op": "remove", "path": "/spec/missing"},
        {"op": "replace", "path": "/nothing/here", "value": 1},
        {"op": "add", "path": "/no/parent", "value": 1},
        {"op": "move", "from": "/missing", "path": "/spec/x"},
        {"op": "frobnicate", "path": "/spec"},
        {"op": "add", "path": "/spec/x"},
        {"op": "add", "path": "no-slash", "value": 1},
        {"op": "replace", "path": "", "value": [1]},
        "not an operation",
    ],
)
def test_json_patch_that_cannot_apply_is_422(op: Any) -> None:
    with pytest.raises(ApiError) as err:
        patch(deployment(), [op], JSON_PATCH)

    assert err.value.code == 422


def test_json_patch_body_must_be_an_array() -> None:
    with pytest.raises(ApiError) as err:
        patch(deployment(), {"op": "add", "path": "/a", "value": 1}, JSON_PATCH)

    assert err.value.code == 400


# --- content negotiation and decoding ----------------------------------------------------


@pytest.mark.parametrize("content_type", sorted(PATCH_CONTENT_TYPES))
def test_malformed_json_is_400(content_type: str) -> None:
    with pytest.raises(ApiError) as err:
        apply_patch(deployment(), b'{"spec": ', content_type, kind="Deployment")

    assert err.value.code == 400
    assert err.value.reason == "BadRequest"


def test_strategic_merge_on_custom_resource_is_415_like_a_real_server() -> None:
    with pytest.raises(ApiError) as err:
        apply_patch({"kind": "Widget"}, b"{}", STRATEGIC, kind=None)

    assert err.value.code == 415
    assert err.value.reason == "UnsupportedMediaType"
    assert err.value.message == (
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
    )


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", ""])
def test_unknown_content_type_is_415(content_type: str) -> None:
    with pytest.raises(ApiError) as err:
        apply_patch(deployment(), b"{}", content_type, kind="Deployment")

    assert err.value.code == 415
    assert "application/strategic-merge-patch+json" in err.value.message


def test_content_type_is_case_insensitive_and_may_carry_parameters() -> None:
    result = apply_patch(
        deployment(),
        b'{"spec": {"replicas": 7}}',
        "Application/Strategic-Merge-Patch+JSON; charset=utf-8",
        kind="Deployment",
    )

    assert result["spec"]["replicas"] == 7


# --- the stored object is never touched -------------------------------------------------

NEVER_MUTATE_CASES = [
    (
        STRATEGIC,
        pod_spec_patch(
            {"containers": [{"name": "app", "env": [{"name": "A", "$patch": "delete"}]}]}
        ),
    ),
    (STRATEGIC, {"metadata": {"$deleteFromPrimitiveList/finalizers": ["example.com/a"]}}),
    (STRATEGIC, {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}),
    (
        STRATEGIC,
        pod_spec_patch({"$setElementOrder/containers": [{"name": "sidecar"}, {"name": "app"}]}),
    ),
    (MERGE, {"spec": {"template": {"spec": {"containers": None}}}}),
    (JSON_PATCH, [{"op": "remove", "path": "/spec/template/spec/containers/0/env/0"}]),
    (
        JSON_PATCH,
        [
            {"op": "replace", "path": "/spec/replicas", "value": 1},
            {"op": "test", "path": "/x", "value": 1},
        ],
    ),
]


def scribble(value: Any) -> None:
    """Change every map and list inside ``value``, as a caller editing a result might."""
    if isinstance(value, dict):
        for item in list(value.values()):
            scribble(item)
        value["scribbled"] = True
    elif isinstance(value, list):
        for item in value:
            scribble(item)
        value.append("scribbled")


@pytest.mark.parametrize(("content_type", "body"), NEVER_MUTATE_CASES)
def test_input_is_never_mutated_nor_shared(content_type: str, body: Any) -> None:
    original = deployment()

    try:
        result = patch(original, body, content_type)
    except ApiError:
        result = None
    assert original == deployment()

    if result is not None:
        scribble(result)
        assert original == deployment()


# --- properties --------------------------------------------------------------------------

keys = st.text(alphabet="abcde", min_size=1, max_size=3)
scalars = st.one_of(st.booleans(), st.integers(-5, 5), st.text(alphabet="xyz", max_size=3))
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=20,
)
objects = st.dictionaries(keys, documents, max_size=5)
# Patches whose nulls sit only on map values, where every patch type means "delete".
patch_values = st.recursive(
    scalars | st.lists(scalars, max_size=3),
    lambda inner: st.dictionaries(keys, inner | st.none(), max_size=4),
    max_leaves=20,
)
merge_patches = st.dictionaries(keys, patch_values | st.none(), max_size=5)


def merge_diff(source: Obj, target: Obj) -> Obj:
    """An RFC 7386 merge patch turning ``source`` into ``target`` (which has no nulls)."""
    diff: Obj = dict.fromkeys(source.keys() - target.keys())
    for key, value in target.items():
        current = source.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            nested = merge_diff(current, value)
            if nested:
                diff[key] = nested
        elif key not in source or current != value:
            diff[key] = value
    return diff


EMPTY_PATCHES: list[tuple[str, Any]] = [(MERGE, {}), (STRATEGIC, {}), (JSON_PATCH, [])]


@given(objects)
def test_empty_patches_are_identity(document: Obj) -> None:
    for content_type, body in EMPTY_PATCHES:
        assert patch(document, body, content_type, kind="Deployment") == document


@given(objects, objects)
def test_merge_patch_of_a_diff_round_trips(source: Obj, target: Obj) -> None:
    assert patch(source, merge_diff(source, target), MERGE) == target


@given(objects, merge_patches)
def test_strategic_merge_without_merge_lists_equals_merge_patch(document: Obj, body: Obj) -> None:
    before = copy.deepcopy(document)

    strategic = patch(document, body, STRATEGIC, kind="ConfigMap")

    assert strategic == patch(document, body, MERGE)
    assert document == before


json_pointers = st.lists(keys | st.sampled_from(["0", "1", "-"]), max_size=3).map(
    lambda parts: "".join("/" + part for part in parts)
)
json_patch_ops = st.fixed_dictionaries(
    {
        "op": st.sampled_from(["add", "remove", "replace", "move", "copy", "test"]),
        "path": json_pointers,
    },
    optional={"from": json_pointers, "value": documents},
)


@given(objects, st.lists(json_patch_ops, max_size=4))
def test_json_patch_either_applies_or_answers_with_an_api_error(
    document: Obj, ops: list[Obj]
) -> None:
    before = copy.deepcopy(document)

    try:
        result = patch(document, ops, JSON_PATCH)
    except ApiError as err:
        assert err.code == 422
    else:
        assert isinstance(result, dict)
    assert document == before
