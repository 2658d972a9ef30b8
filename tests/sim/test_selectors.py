from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubernaut.sim.errors import ApiError
from kubernaut.sim.selectors import FieldSelector, LabelSelector

WEB = {"app": "web", "tier": "frontend", "app.kubernetes.io/name": "shop"}
DB = {"app": "db", "tier": "backend", "env": ""}
NONE: dict[str, str] = {}
ALL = (WEB, DB, NONE)


def selected(text: str) -> list[dict[str, str]]:
    selector = LabelSelector.parse(text)
    return [labels for labels in ALL if selector.matches(labels)]


# --------------------------------------------------------------------- label query syntax


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("app=web", [WEB]),
        ("app==web", [WEB]),
        ("app!=web", [DB, NONE]),
        ("app in (web,db)", [WEB, DB]),
        ("app notin (web)", [DB, NONE]),
        ("tier", [WEB, DB]),
        ("!tier", [NONE]),
        ("env=", [DB]),
        ("env!=", [WEB, NONE]),
        ("app.kubernetes.io/name=shop", [WEB]),
        ("app=web,tier=frontend", [WEB]),
        ("app=web,tier=backend", []),
        ("", [WEB, DB, NONE]),
    ],
)
def test_label_operators(text: str, expected: list[dict[str, str]]) -> None:
    assert selected(text) == expected


def test_whitespace_is_tolerated() -> None:
    assert LabelSelector.parse("  app  in(web , db ) ,  ! env ,tier != x ") == LabelSelector.parse(
        "app in (db,web),!env,tier!=x"
    )


def test_in_with_empty_slots_includes_empty_value() -> None:
    assert LabelSelector.parse("env in ()").matches({"env": ""})
    assert LabelSelector.parse("env in (a,)").matches({"env": ""})
    assert str(LabelSelector.parse("env in (b, ,a)")) == "env in (,a,b)"


def test_in_and_notin_work_as_keys_and_values() -> None:
    selector = LabelSelector.parse("in in (notin),notin=in")
    assert selector.matches({"in": "notin", "notin": "in"})


def test_numeric_comparisons() -> None:
    selector = LabelSelector.parse("replicas>2,replicas<10")
    assert selector.matches({"replicas": "5"})
    assert not selector.matches({"replicas": "10"})
    assert not selector.matches({"replicas": "many"})
    assert not selector.matches({})


def test_none_labels_are_no_labels() -> None:
    assert LabelSelector.parse("!app").matches(None)
    assert not LabelSelector.parse("app").matches(None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("app=web,", "found '', expected: identifier after ','"),
        (",", "found ',', expected: !, identifier, or 'end of string'"),
        ("app in web", "found 'web', expected: '('"),
        ("app in (web", "found '', expected: ',', ')' or identifier"),
        ("app ~ web", "found '~', expected: in, notin, =, ==, !=, >, <"),
        ("app=web tier", "found 'tier', expected: ',' or 'end of string'"),
        ("!app=web", "found '=', expected: ',' or 'end of string'"),
        ("app=(web)", "found '(', expected: identifier"),
        ("-app=web", 'invalid label key "-app"'),
        ("Example.COM/app=web", 'invalid label key "Example.COM/app"'),
        ("a/b/c=web", 'invalid label key "a/b/c"'),
        ("/app", 'invalid label key "/app"'),
        ("app=web;rm", 'invalid label value "web;rm" for key "app"'),
        (f"app={'x' * 64}", "must be no more than 63 characters"),
        ("replicas>many", "the value must be an integer"),
    ],
)
def test_malformed_label_selectors_are_bad_requests(text: str, message: str) -> None:
    with pytest.raises(ApiError) as caught:
        LabelSelector.parse(text)
    assert caught.value.code == 400
    assert caught.value.message.startswith("unable to parse requirement: ")
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("tier in (b, a),app==web", "app=web,tier in (a,b)"),
        ("!b, a notin (y,x,y)", "a notin (x,y),!b"),
        ("k=", "k="),
        ("n>3", "n>3"),
        ("", ""),
    ],
)
def test_canonical_text(text: str, canonical: str) -> None:
    selector = LabelSelector.parse(text)
    assert str(selector) == canonical
    assert LabelSelector.parse(str(selector)) == selector


# --------------------------------------------------------------------- metav1.LabelSelector


def test_nil_spec_matches_nothing_and_empty_spec_matches_everything() -> None:
    nothing = LabelSelector.from_spec(None)
    assert not nothing.matches({}) and not nothing.matches(WEB)
    assert not nothing.is_empty()
    empties: list[dict[str, Any]] = [{}, {"matchLabels": {}, "matchExpressions": []}]
    for empty in [*empties, {"matchLabels": None}]:
        selector = LabelSelector.from_spec(empty)
        assert selector.is_empty()
        assert all(selector.matches(labels) for labels in ALL)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ({"key": "app", "operator": "In", "values": ["web", "db"]}, [WEB, DB]),
        ({"key": "app", "operator": "NotIn", "values": ["web"]}, [DB, NONE]),
        ({"key": "env", "operator": "Exists"}, [DB]),
        ({"key": "env", "operator": "DoesNotExist", "values": []}, [WEB, NONE]),
    ],
)
def test_match_expressions(expression: dict[str, Any], expected: list[dict[str, str]]) -> None:
    selector = LabelSelector.from_spec({"matchExpressions": [expression]})
    assert [labels for labels in ALL if selector.matches(labels)] == expected


def test_match_labels_and_expressions_are_anded() -> None:
    selector = LabelSelector.from_spec(
        {
            "matchLabels": {"tier": "frontend", "app": "web"},
            "matchExpressions": [{"key": "app.kubernetes.io/name", "operator": "Exists"}],
        }
    )
    assert [labels for labels in ALL if selector.matches(labels)] == [WEB]
    assert str(selector) == "app=web,app.kubernetes.io/name,tier=frontend"
    assert LabelSelector.parse(str(selector)) == selector


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]}, '"Gt" is not'),
        ({"matchExpressions": [{"key": "a", "operator": "In", "values": []}]}, "must not be empty"),
        ({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]}, "be empty"),
        ({"matchLabels": {"bad key": "x"}}, 'invalid label key "bad key"'),
        ({"matchLabels": {"app": 3}}, "must map strings to strings"),
        ({"matchExpressions": {"key": "a"}}, "must be a list"),
    ],
)
def test_malformed_specs_are_bad_requests(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(ApiError) as caught:
        LabelSelector.from_spec(spec)
    assert caught.value.code == 400
    assert message in caught.value.message


# --------------------------------------------------------------------- label properties

_ALNUM = "abcXYZ019"
names = st.one_of(
    st.sampled_from(_ALNUM),
    st.tuples(
        st.sampled_from(_ALNUM), st.text(_ALNUM + "-_.", max_size=6), st.sampled_from(_ALNUM)
    ).map("".join),
)
prefixes = st.lists(st.text("abz09", min_size=1, max_size=4), min_size=1, max_size=3).map(".".join)
keys = st.one_of(names, st.tuples(prefixes, names).map("/".join))
values = st.one_of(st.just(""), names)
spaces = st.sampled_from(["", " ", "  ", "\t"])


@st.composite
def requirement_texts(draw: st.DrawFn) -> str:
    key = draw(keys)
    gap = draw(spaces)
    kind = draw(st.sampled_from(["=", "==", "!=", "in", "notin", "exists", "!", ">", "<"]))
    if kind == "exists":
        return key
    if kind == "!":
        return f"!{gap}{key}"
    if kind in ("in", "notin"):
        items = draw(st.lists(values, min_size=1, max_size=4))
        return f"{key} {kind}{gap}({gap}{(gap + ',' + gap).join(items)}{gap})"
    if kind in (">", "<"):
        return f"{key}{gap}{kind}{gap}{draw(st.integers(0, 10**6))}"
    return f"{key}{gap}{kind}{gap}{draw(values)}"


selector_texts = st.lists(requirement_texts(), max_size=5).map(",".join)
label_maps = st.dictionaries(st.sampled_from(["a", "b", "x/a"]), st.sampled_from(["", "1", "v"]))


@given(selector_texts)
def test_canonical_text_round_trips(text: str) -> None:
    selector = LabelSelector.parse(text)
    assert LabelSelector.parse(str(selector)) == selector


@given(selector_texts, st.lists(label_maps, max_size=5))
def test_canonical_text_selects_the_same_labels(text: str, maps: list[dict[str, str]]) -> None:
    selector = LabelSelector.parse(text)
    again = LabelSelector.parse(str(selector))
    assert [selector.matches(m) for m in maps] == [again.matches(m) for m in maps]


@given(st.sampled_from(["a", "b", "x/a"]), st.sampled_from(["", "1", "v"]), label_maps)
def test_negated_operators_are_complements(key: str, value: str, labels: dict[str, str]) -> None:
    def matches(text: str) -> bool:
        return LabelSelector.parse(text).matches(labels)

    assert matches(f"{key}!={value}") != matches(f"{key}={value}")
    assert matches(f"{key} notin ({value},z)") != matches(f"{key} in ({value},z)")
    assert matches(f"!{key}") != matches(key)


# --------------------------------------------------------------------- field selectors

SCHEDULED = {
    "metadata": {"name": "web-1", "namespace": "shop"},
    "spec": {"nodeName": "node-a", "hostNetwork": True, "priority": 100},
    "status": {"phase": "Running"},
}
PENDING = {"metadata": {"name": "web-2", "namespace": "shop"}, "spec": {}, "status": {}}
PODS = (SCHEDULED, PENDING)

OOM = {
    "metadata": {"name": "web-1.1", "namespace": "shop"},
    "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": "shop", "uid": "u1"},
    "reason": "OOMKilling",
    "type": "Warning",
    "source": {"component": "kubelet", "host": "node-a"},
}
SCALED = {
    "metadata": {"name": "web.2", "namespace": "shop"},
    "involvedObject": {"kind": "Deployment", "name": "web", "fieldPath": "spec.replicas"},
    "reason": "ScalingReplicaSet",
    "type": "Normal",
    "source": {"component": "deployment-controller"},
}
EVENTS = (OOM, SCALED)


def field_selected(text: str, objects: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    selector = FieldSelector.parse(text)
    return [obj for obj in objects if selector.matches(obj)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("metadata.name=web-1", [SCHEDULED]),
        ("metadata.name==web-1", [SCHEDULED]),
        ("metadata.name!=web-1", [PENDING]),
        ("metadata.namespace=shop,status.phase=Running", [SCHEDULED]),
        ("spec.nodeName=", [PENDING]),
        ("spec.nodeName!=", [SCHEDULED]),
        ("status.phase!=Running", [PENDING]),
        ("spec.hostNetwork=true", [SCHEDULED]),
        ("spec.hostNetwork=false", [PENDING]),
        ("spec.priority=100", [SCHEDULED]),
        ("spec=", []),
        ("spec!=", [SCHEDULED, PENDING]),
        ("", [SCHEDULED, PENDING]),
    ],
)
def test_pod_field_selectors(text: str, expected: list[dict[str, Any]]) -> None:
    assert field_selected(text, PODS) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("involvedObject.kind=Pod,involvedObject.name=web-1", [OOM]),
        ("involvedObject.uid=u1", [OOM]),
        ("involvedObject.namespace=", [SCALED]),
        ("involvedObject.fieldPath=spec.replicas", [SCALED]),
        ("reason=OOMKilling", [OOM]),
        ("type!=Normal", [OOM]),
        ("source=kubelet", [OOM]),
        ("source=deployment-controller", [SCALED]),
    ],
)
def test_event_field_selectors(text: str, expected: list[dict[str, Any]]) -> None:
    assert field_selected(text, EVENTS) == expected


def test_unset_node_unschedulable_reads_as_false() -> None:
    cordoned = {"metadata": {"name": "a"}, "spec": {"unschedulable": True}}
    ready = {"metadata": {"name": "b"}, "spec": {}}
    assert field_selected("spec.unschedulable=false", (cordoned, ready)) == [ready]
    assert field_selected("spec.unschedulable=true", (cordoned, ready)) == [cordoned]


def test_escaped_field_values() -> None:
    event = {"message": r"a,b=c\d"}
    assert FieldSelector.parse(r"message=a\,b\=c\\d").matches(event)
    assert FieldSelector.parse(r"message=x,message!=a\,b\=c\\d").terms[1].value == event["message"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("metadata.name", "invalid selector: 'metadata.name'; can't understand 'metadata.name'"),
        ("=web", "field label not supported: "),
        ("metadata.name =web", "field label not supported: metadata.name "),
        ("metadata.name=a=b", "unescaped character in value: ="),
        (r"metadata.name=a\b", r"invalid escape sequence: \b"),
        ("metadata.name=a\\", "invalid escape sequence: \\"),
    ],
)
def test_malformed_field_selectors_are_bad_requests(text: str, message: str) -> None:
    with pytest.raises(ApiError) as caught:
        FieldSelector.parse(text)
    assert caught.value.code == 400
    assert message in caught.value.message


@given(
    st.text(alphabet="ab,=\\ x", max_size=8),
    st.dictionaries(st.sampled_from(["reason", "type"]), st.text(alphabet="ab,=\\ x", max_size=8)),
)
def test_field_not_equals_is_the_negation(value: str, obj: dict[str, str]) -> None:
    escaped = value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")
    equal = FieldSelector.parse(f"reason={escaped}").matches(obj)
    assert equal == (obj.get("reason", "") == value)
    assert FieldSelector.parse(f"reason!={escaped}").matches(obj) != equal
