from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kubernaut.sim.errors import ApiError
from kubernaut.sim.jsonpath import evaluate, parse
from kubernaut.sim.table_columns import PRINTERS
from kubernaut.sim.tables import human_duration, render_table

NOW = datetime(2025, 3, 10, 12, 0, 0, tzinfo=UTC)


def ago(**delta: float) -> str:
    return (NOW - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def table(kind: str, *objects: dict[str, Any], **options: Any) -> dict[str, Any]:
    return render_table(kind, list(objects), now=NOW, **options)


def row(kind: str, obj: dict[str, Any], **options: Any) -> dict[str, Any]:
    """The single row's cells keyed by column name."""
    rendered = table(kind, obj, **options)
    names = [column["name"] for column in rendered["columnDefinitions"]]
    return dict(zip(names, rendered["rows"][0]["cells"], strict=True))


def columns(kind: str, **options: Any) -> list[tuple[str, int]]:
    return [(c["name"], c["priority"]) for c in table(kind, **options)["columnDefinitions"]]


# --------------------------------------------------------------------------- pods


def running(name: str = "app", *, ready: bool = True, restarts: int = 0) -> dict[str, Any]:
    state = {"running": {"startedAt": ago(hours=1)}}
    return {"name": name, "ready": ready, "restartCount": restarts, "state": state}


def waiting(reason: str, name: str = "app", *, restarts: int = 0) -> dict[str, Any]:
    state = {"waiting": {"reason": reason}}
    return {"name": name, "ready": False, "restartCount": restarts, "state": state}


def terminated(
    reason: str | None, exit_code: int, name: str = "app", *, restarts: int = 0
) -> dict[str, Any]:
    finished: dict[str, Any] = {"exitCode": exit_code, "finishedAt": ago(minutes=1)}
    if reason:
        finished["reason"] = reason
    state = {"terminated": finished}
    return {"name": name, "ready": False, "restartCount": restarts, "state": state}


def pod(
    *statuses: dict[str, Any],
    phase: str = "Running",
    containers: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    count = containers if containers is not None else max(len(statuses), 1)
    obj: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "shop", "creationTimestamp": ago(minutes=30)},
        "spec": {"containers": [{"name": f"c{i}", "image": "nginx"} for i in range(count)]},
        "status": {"phase": phase, "containerStatuses": list(statuses)},
    }
    for key, value in extra.items():
        section, _, field = key.partition("__")
        obj[section][field] = value
    return obj


@pytest.mark.parametrize(
    ("obj", "ready", "status"),
    [
        (pod(running()), "1/1", "Running"),
        (pod(phase="Pending"), "0/1", "Pending"),
        (pod(waiting("ContainerCreating"), phase="Pending"), "0/1", "ContainerCreating"),
        (pod(waiting("ErrImagePull"), phase="Pending"), "0/1", "ErrImagePull"),
        (pod(waiting("ImagePullBackOff"), phase="Pending"), "0/1", "ImagePullBackOff"),
        (pod(terminated("OOMKilled", 137)), "0/1", "OOMKilled"),
        (pod(terminated("Error", 1)), "0/1", "Error"),
        (pod(terminated(None, 3)), "0/1", "ExitCode:3"),
        (pod(terminated("Completed", 0), phase="Succeeded"), "0/1", "Completed"),
        (pod(running(), running("b", ready=False)), "1/2", "Running"),
        # the first container's state wins
        (
            pod(waiting("CrashLoopBackOff"), waiting("ImagePullBackOff", "b")),
            "0/2",
            "CrashLoopBackOff",
        ),
        (pod(status__reason="Evicted", phase="Failed"), "0/1", "Evicted"),
        (pod(running(), status__reason="NodeLost"), "1/1", "NodeLost"),
    ],
)
def test_pod_ready_and_status(obj: dict[str, Any], ready: str, status: str) -> None:
    cells = row("Pod", obj)
    assert (cells["Ready"], cells["Status"]) == (ready, status)


def test_crash_looping_pod_shows_restarts_and_when_the_last_one_was() -> None:
    container = waiting("CrashLoopBackOff", restarts=5)
    container["lastState"] = {
        "terminated": {"exitCode": 1, "finishedAt": ago(minutes=5, seconds=12)}
    }
    cells = row("Pod", pod(container))
    assert cells["Status"] == "CrashLoopBackOff"
    assert cells["Restarts"] == "5 (5m12s ago)"


def test_restarts_without_a_known_time_are_a_bare_count() -> None:
    assert row("Pod", pod(running(restarts=3)))["Restarts"] == "3"


def deleting(obj: dict[str, Any]) -> dict[str, Any]:
    obj["metadata"]["deletionTimestamp"] = ago(seconds=5)
    return obj


def test_deleted_pods_show_terminating_unless_finished_or_their_node_was_lost() -> None:
    assert row("Pod", deleting(pod(running())))["Status"] == "Terminating"
    assert row("Pod", deleting(pod(running(), status__reason="NodeLost")))["Status"] == "Unknown"
    finished = deleting(pod(terminated("Completed", 0), phase="Succeeded"))
    assert row("Pod", finished)["Status"] == "Completed"


def test_completed_container_beside_a_running_one_reads_as_running_or_not_ready() -> None:
    obj = pod(terminated("Completed", 0), running("b"))
    assert row("Pod", obj)["Status"] == "NotReady"
    obj["status"]["conditions"] = [{"type": "Ready", "status": "True"}]
    assert row("Pod", obj)["Status"] == "Running"


@pytest.mark.parametrize(
    ("init_statuses", "status"),
    [
        ([running("init-db", ready=False), waiting("PodInitializing", "init-cfg")], "Init:0/2"),
        ([terminated("Completed", 0, "init-db"), running("init-cfg", ready=False)], "Init:1/2"),
        ([waiting("CrashLoopBackOff", "init-db")], "Init:CrashLoopBackOff"),
        ([terminated("Error", 2, "init-db")], "Init:Error"),
        ([terminated(None, 2, "init-db")], "Init:ExitCode:2"),
    ],
)
def test_init_container_progress(init_statuses: list[dict[str, Any]], status: str) -> None:
    obj = pod(waiting("PodInitializing"), phase="Pending")
    obj["spec"]["initContainers"] = [{"name": "init-db"}, {"name": "init-cfg"}]
    obj["status"]["initContainerStatuses"] = init_statuses
    assert row("Pod", obj)["Status"] == status


def test_started_sidecars_count_towards_ready() -> None:
    obj = pod(running())
    obj["spec"]["initContainers"] = [{"name": "proxy", "restartPolicy": "Always"}]
    obj["status"]["initContainerStatuses"] = [running("proxy") | {"started": True}]
    cells = row("Pod", obj)
    assert (cells["Ready"], cells["Status"]) == ("2/2", "Running")


def test_succeeded_pods_carry_a_completed_row_condition() -> None:
    rendered = table("Pod", pod(terminated("Completed", 0), phase="Succeeded"))
    assert rendered["rows"][0]["conditions"][0]["type"] == "Completed"
    assert "conditions" not in table("Pod", pod(running()))["rows"][0]


def test_pod_wide_cells() -> None:
    obj = pod(running(), spec__nodeName="node-1", status__podIPs=[{"ip": "10.0.0.7"}])
    obj["spec"]["readinessGates"] = [{"conditionType": "a"}, {"conditionType": "b"}]
    obj["status"]["conditions"] = [
        {"type": "a", "status": "True"},
        {"type": "b", "status": "False"},
    ]
    cells = row("Pod", obj)
    assert cells["Age"] == "30m"
    assert [cells[c] for c in ("IP", "Node", "Nominated Node", "Readiness Gates")] == [
        "10.0.0.7",
        "node-1",
        "<none>",
        "1/2",
    ]


# --------------------------------------------------------------------------- workloads, nodes


def test_deployment_columns_and_ready_fraction() -> None:
    deployment = {
        "metadata": {"name": "api", "creationTimestamp": ago(days=2, hours=4)},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "api"}},
            "template": {"spec": {"containers": [{"name": "api", "image": "api:1.2"}]}},
        },
        "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2},
    }
    assert columns("Deployment") == [
        ("Name", 0),
        ("Ready", 0),
        ("Up-to-date", 0),
        ("Available", 0),
        ("Age", 0),
        ("Containers", 1),
        ("Images", 1),
        ("Selector", 1),
    ]
    assert list(row("Deployment", deployment).values()) == [
        "api",
        "2/3",
        3,
        2,
        "2d4h",
        "api",
        "api:1.2",
        "app=api",
    ]


def node(*, ready: str | None = "True", unschedulable: bool = False) -> dict[str, Any]:
    conditions = [{"type": "MemoryPressure", "status": "False"}]
    if ready is not None:
        conditions.append({"type": "Ready", "status": ready})
    return {
        "metadata": {
            "name": "node-1",
            "creationTimestamp": ago(days=120),
            "labels": {"node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "edge"},
        },
        "spec": {"unschedulable": unschedulable},
        "status": {
            "conditions": conditions,
            "nodeInfo": {"kubeletVersion": "v1.31.0"},
            "addresses": [{"type": "InternalIP", "address": "192.168.0.10"}],
        },
    }


@pytest.mark.parametrize(
    ("obj", "status"),
    [
        (node(), "Ready"),
        (node(unschedulable=True), "Ready,SchedulingDisabled"),
        (node(ready="False"), "NotReady"),
        (node(ready="Unknown", unschedulable=True), "NotReady,SchedulingDisabled"),
        (node(ready=None), "Unknown"),
    ],
)
def test_node_status(obj: dict[str, Any], status: str) -> None:
    assert row("Node", obj)["Status"] == status


def test_node_roles_version_and_wide_cells() -> None:
    cells = row("Node", node())
    assert (cells["Roles"], cells["Age"], cells["Version"]) == (
        "control-plane,edge",
        "120d",
        "v1.31.0",
    )
    assert (cells["Internal-IP"], cells["External-IP"], cells["OS-Image"]) == (
        "192.168.0.10",
        "<none>",
        "<unknown>",
    )


def test_job_status_completions_and_duration() -> None:
    job: dict[str, Any] = {
        "metadata": {"name": "backup", "creationTimestamp": ago(minutes=20)},
        "spec": {"completions": 3, "template": {"spec": {"containers": []}}},
        "status": {"succeeded": 1, "startTime": ago(minutes=19)},
    }
    cells = row("Job", job)
    assert [cells[c] for c in ("Status", "Completions", "Duration", "Age")] == [
        "Running",
        "1/3",
        "19m",
        "20m",
    ]
    job["status"] |= {
        "succeeded": 3,
        "completionTime": ago(minutes=17),
        "conditions": [{"type": "Complete", "status": "True"}],
    }
    cells = row("Job", job)
    assert [cells[c] for c in ("Status", "Completions", "Duration")] == ["Complete", "3/3", "2m"]


def test_service_cells() -> None:
    service = {
        "metadata": {"name": "web", "creationTimestamp": ago(hours=3)},
        "spec": {
            "type": "LoadBalancer",
            "clusterIP": "10.96.0.12",
            "clusterIPs": ["10.96.0.12"],
            "ports": [{"port": 80, "protocol": "TCP"}, {"port": 443, "nodePort": 30443}],
            "selector": {"tier": "web", "app": "shop"},
        },
    }
    assert list(row("Service", service).values()) == [
        "web",
        "LoadBalancer",
        "10.96.0.12",
        "<pending>",
        "80/TCP,443:30443/TCP",
        "3h",
        "app=shop,tier=web",
    ]


def test_core_events_print_last_seen_type_reason_object_message() -> None:
    event = {
        "apiVersion": "v1",
        "metadata": {"name": "web.17f", "namespace": "shop"},
        "involvedObject": {"kind": "Pod", "name": "web", "fieldPath": "spec.containers{app}"},
        "reason": "BackOff",
        "message": "Back-off restarting failed container\n",
        "type": "Warning",
        "count": 7,
        "firstTimestamp": ago(minutes=10),
        "lastTimestamp": ago(seconds=40),
        "source": {"component": "kubelet", "host": "node-1"},
    }
    assert [(name, priority) for name, priority in columns("Event") if priority == 0] == [
        ("Last Seen", 0),
        ("Type", 0),
        ("Reason", 0),
        ("Object", 0),
        ("Message", 0),
    ]
    assert list(row("Event", event).values()) == [
        "40s",
        "Warning",
        "BackOff",
        "pod/web",
        "spec.containers{app}",
        "kubelet, node-1",
        "Back-off restarting failed container",
        "10m",
        7,
        "web.17f",
    ]


def test_events_api_events_are_read_through_their_new_field_names() -> None:
    event = {
        "apiVersion": "events.k8s.io/v1",
        "metadata": {"name": "e1"},
        "regarding": {"kind": "Deployment", "name": "api"},
        "note": "Scaled up",
        "reason": "ScalingReplicaSet",
        "type": "Normal",
        "eventTime": ago(minutes=3).replace("Z", ".000000Z"),
        "reportingController": "deployment-controller",
    }
    cells = row("Event", event)
    assert [cells[c] for c in ("Last Seen", "Object", "Message", "Source", "Count")] == [
        "3m",
        "deployment/api",
        "Scaled up",
        "deployment-controller",
        1,
    ]


# --------------------------------------------------------------------------- table shape


@pytest.mark.parametrize("kind", sorted(PRINTERS))
def test_every_printer_fills_every_column(kind: str) -> None:
    rendered = table(kind, {"metadata": {"name": "x", "creationTimestamp": ago(seconds=45)}})
    definitions = rendered["columnDefinitions"]
    assert len(rendered["rows"][0]["cells"]) == len(definitions)
    assert {"name", "type", "format", "description", "priority"} <= set(definitions[0])
    name_columns = [c for c in definitions if c["format"] == "name"]
    assert len(name_columns) == 1 and name_columns[0]["name"] == "Name"


@pytest.mark.parametrize(
    ("kind", "wide"),
    [
        ("Pod", ["IP", "Node", "Nominated Node", "Readiness Gates"]),
        ("Node", ["Internal-IP", "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime"]),
        ("Service", ["Selector"]),
        ("Deployment", ["Containers", "Images", "Selector"]),
        ("StatefulSet", ["Containers", "Images"]),
        ("Job", ["Containers", "Images", "Selector"]),
    ],
)
def test_wide_only_columns_have_priority_one(kind: str, wide: list[str]) -> None:
    assert [name for name, priority in columns(kind) if priority == 1] == wide


def test_table_envelope() -> None:
    rendered = table("ConfigMap", resource_version="42", continue_token="abc")
    assert rendered["kind"] == "Table"
    assert rendered["apiVersion"] == "meta.k8s.io/v1"
    assert rendered["metadata"] == {"resourceVersion": "42", "continue": "abc"}
    assert rendered["rows"] == []


def test_include_object_modes() -> None:
    config_map = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cfg", "namespace": "shop", "labels": {"app": "shop"}},
        "data": {"a": "1", "b": "2"},
    }
    assert "object" not in table("ConfigMap", config_map, include_object="None")["rows"][0]
    partial = table("ConfigMap", config_map)["rows"][0]["object"]
    assert partial == {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": config_map["metadata"],
    }
    whole = table("ConfigMap", config_map, include_object="Object")["rows"][0]["object"]
    assert whole == config_map
    assert whole is not config_map
    with pytest.raises(ApiError) as raised:
        table("ConfigMap", config_map, include_object="Everything")
    assert raised.value.code == 400


def test_kinds_without_a_printer() -> None:
    obj = {"metadata": {"name": "things.example.com", "creationTimestamp": "2024-05-01T08:30:00Z"}}
    rendered = table("CustomResourceDefinition", obj)
    assert [c["name"] for c in rendered["columnDefinitions"]] == ["Name", "Created At"]
    assert rendered["rows"][0]["cells"] == ["things.example.com", "2024-05-01T08:30:00Z"]
    assert list(row("SomethingElse", obj).values()) == ["things.example.com", "313d"]


# --------------------------------------------------------------------------- custom resources

WIDGET = {
    "apiVersion": "example.com/v1",
    "kind": "Widget",
    "metadata": {"name": "w1", "creationTimestamp": ago(hours=5)},
    "spec": {"replicas": 3, "size": 1.5, "ratio": 2.0, "tags": {"b": 1, "a": "<x>"}},
    "status": {
        "conditions": [
            {"type": "Synced", "status": "True", "lastTransitionTime": ago(minutes=4)},
            {"type": "Ready", "status": "False", "lastTransitionTime": ago(minutes=2)},
        ]
    },
}

WIDGET_COLUMNS = [
    {
        "name": "Ready",
        "type": "string",
        "jsonPath": '.status.conditions[?(@.type=="Ready")].status',
    },
    {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
    {
        "name": "Since",
        "type": "date",
        "jsonPath": ".status.conditions[?(@.type=='Ready')].lastTransitionTime",
    },
    {"name": "Size", "type": "number", "jsonPath": ".spec.size", "priority": 1},
    {"name": "Owner", "type": "string", "jsonPath": ".spec.owner", "description": "Who owns it."},
    {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
]


def test_printer_columns_follow_the_crd() -> None:
    rendered = table("Widget", WIDGET, printer_columns=WIDGET_COLUMNS)
    definitions = rendered["columnDefinitions"]
    assert [(c["name"], c["type"], c["priority"]) for c in definitions] == [
        ("Name", "string", 0),
        ("Ready", "string", 0),
        ("Replicas", "integer", 0),
        ("Since", "date", 0),
        ("Size", "number", 1),
        ("Owner", "string", 0),
        ("Age", "date", 0),
    ]
    assert definitions[5]["description"] == "Who owns it."
    # a missing value is a null cell, which kubectl prints as blank
    assert rendered["rows"][0]["cells"] == ["w1", "False", 3, "2m", 1.5, None, "5h"]


def test_crd_without_printer_columns_gets_name_and_age() -> None:
    rendered = table("Widget", WIDGET, printer_columns=[])
    assert [(c["name"], c["type"]) for c in rendered["columnDefinitions"]] == [
        ("Name", "string"),
        ("Age", "date"),
    ]
    assert rendered["rows"][0]["cells"] == ["w1", "5h"]


@pytest.mark.parametrize(
    ("column_type", "json_path", "cell"),
    [
        ("string", ".spec.replicas", "3"),
        ("string", ".spec.ratio", "2"),
        ("string", ".spec.tags", '{"a":"\\u003cx\\u003e","b":1}'),
        ("integer", ".spec.size", 1),
        ("integer", ".status.conditions[0].type", None),
        ("boolean", ".spec.replicas", None),
        ("date", ".status.conditions[0].type", "<invalid>"),
        ("string", ".status.conditions[*].type", "Synced"),
    ],
)
def test_printer_column_cell_types(column_type: str, json_path: str, cell: Any) -> None:
    spec = [{"name": "X", "type": column_type, "jsonPath": json_path}]
    assert row("Widget", WIDGET, printer_columns=spec)["X"] == cell


def test_malformed_printer_column_path_is_rejected() -> None:
    with pytest.raises(ValueError, match="JSONPath"):
        table(
            "Widget", WIDGET, printer_columns=[{"name": "X", "type": "string", "jsonPath": ".a["}]
        )


# --------------------------------------------------------------------------- HumanDuration


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=-5), "<invalid>"),
        (timedelta(seconds=-1), "0s"),
        (timedelta(0), "0s"),
        (timedelta(seconds=45), "45s"),
        (timedelta(seconds=119), "119s"),
        (timedelta(minutes=2), "2m"),
        (timedelta(minutes=5, seconds=12), "5m12s"),
        (timedelta(minutes=10, seconds=30), "10m"),
        (timedelta(minutes=179), "179m"),
        (timedelta(hours=3), "3h"),
        (timedelta(hours=5, minutes=30), "5h30m"),
        (timedelta(hours=8, minutes=30), "8h"),
        (timedelta(hours=47, minutes=59), "47h"),
        (timedelta(days=2), "2d"),
        (timedelta(days=2, hours=4), "2d4h"),
        (timedelta(days=7, hours=23), "7d23h"),
        (timedelta(days=8, hours=5), "8d"),
        (timedelta(days=120), "120d"),
        (timedelta(days=729), "729d"),
        (timedelta(days=730), "2y"),
        (timedelta(days=740), "2y10d"),
        (timedelta(days=365 * 9 + 100), "9y"),
    ],
)
def test_human_duration(delta: timedelta, text: str) -> None:
    assert human_duration(delta) == text


# --------------------------------------------------------------------------- JSONPath

DOC = {
    "metadata": {
        "labels": {"app.kubernetes.io/name": "shop", "tier": "web"},
        "annotations": {"example.com/owner": "team-a"},
    },
    "status": {
        "conditions": [
            {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
            {"type": "Ready", "status": "False", "observedGeneration": 4},
        ],
        "ports": [80, 443, 8080],
    },
}


@pytest.mark.parametrize(
    ("expression", "values"),
    [
        (".metadata.labels.tier", ["web"]),
        ("{.metadata.labels.tier}", ["web"]),
        ("$.metadata.labels.tier", ["web"]),
        (".metadata.labels.app\\.kubernetes\\.io/name", ["shop"]),
        (".metadata.labels['app.kubernetes.io/name']", ["shop"]),
        ('.metadata.annotations["example.com/owner"]', ["team-a"]),
        ('.status.conditions[?(@.type=="Ready")].status', ["False"]),
        (".status.conditions[?(@.type == 'Ready')].status", ["False"]),
        ('.status.conditions[?(@.type!="Ready")].type', ["Available"]),
        (".status.conditions[?(@.observedGeneration>=4)].type", ["Ready"]),
        (".status.conditions[?(@.reason)].type", ["Available"]),
        (".status.conditions[*].type", ["Available", "Ready"]),
        (".status.conditions[0].type", ["Available"]),
        (".status.ports[-1]", [8080]),
        (".status.ports[0:2]", [80, 443]),
        (".status.ports[0,2]", [80, 8080]),
        ("..observedGeneration", [4]),
        (".metadata.missing", []),
        (".metadata.missing.deeper[0]", []),
        (".status.ports[7]", []),
        (".status.ports.name", []),
        ('.status.conditions[?(@.type=="Gone")].status', []),
        (".status.conditions[?(@.nope!='x')].type", []),
    ],
)
def test_jsonpath(expression: str, values: list[Any]) -> None:
    assert evaluate(expression, DOC) == values


@pytest.mark.parametrize(
    "expression",
    [
        "",
        "metadata.name",
        ".a.",
        ".a[",
        ".a[x]",
        ".a['b]",
        "{.a",
        ".a}",
        ".a[?(@.b ~ 1)]",
        ".a[1:2:0]",
    ],
)
def test_malformed_jsonpath_raises_value_error(expression: str) -> None:
    with pytest.raises(ValueError, match="JSONPath"):
        parse(expression)
