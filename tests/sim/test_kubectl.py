"""kubectl against the simulator: the commands an SRE types, unchanged."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import yaml

from kubernaut.sim.server import Simulator
from support import Kubectl, wait_for

pytestmark = pytest.mark.kubectl

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.25
          ports: [{containerPort: 80}]
          resources:
            requests: {cpu: 100m, memory: 64Mi}
"""

CRD = """
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
      subresources: {status: {}}
      additionalPrinterColumns:
        - {name: Colour, type: string, jsonPath: .spec.colour}
        - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
        - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
"""


def _json(kubectl: Kubectl, *args: str) -> Any:
    return json.loads(kubectl(*args, "-o", "json"))


def _pod(name: str, **labels: str) -> str:
    return yaml.safe_dump(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "labels": labels},
            "spec": {"containers": [{"name": "app", "image": "busybox:1.36"}]},
        }
    )


def _rollout(kubectl: Kubectl) -> None:
    kubectl("rollout", "status", "deployment/web", "--timeout=60s")


def test_get_with_selectors_and_wide_output(kubectl: Kubectl) -> None:
    kubectl(
        "apply", "-f", "-", input=_pod("front", tier="front") + "---\n" + _pod("back", tier="back")
    )
    wait_for(lambda: "Running" in kubectl("get", "pod", "back"))
    wait_for(lambda: "Running" in kubectl("get", "pod", "front"))
    assert kubectl("get", "pods", "-l", "tier=front", "-o", "name") == "pod/front\n"
    assert kubectl("get", "pods", "-l", "tier in (back,db)", "-o", "name") == "pod/back\n"
    by_field = kubectl("get", "pods", "--field-selector", "metadata.name!=front", "-o", "name")
    assert by_field == "pod/back\n"
    wide = kubectl("get", "pod", "front", "-o", "wide").splitlines()
    assert wide[0].split()[:7] == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE"]
    assert wide[1].split()[:3] == ["front", "1/1", "Running"]
    assert wide[1].split()[6].startswith("node-")


def test_describe_shows_events(kubectl: Kubectl) -> None:
    kubectl("apply", "-f", "-", input=_pod("described"))
    wait_for(lambda: "Started" in kubectl("describe", "pod", "described"))
    described = kubectl("describe", "pod", "described")
    assert "Status:           Running" in described
    for reason in ("Scheduled", "Pulling", "Pulled", "Created", "Started"):
        assert reason in described.split("Events:")[1]


def test_apply_creates_then_updates(kubectl: Kubectl) -> None:
    assert kubectl("apply", "-f", "-", input=DEPLOYMENT).strip() == "deployment.apps/web created"
    _rollout(kubectl)
    changed = DEPLOYMENT.replace("nginx:1.25", "nginx:1.27")
    assert kubectl("apply", "-f", "-", input=changed).strip() == "deployment.apps/web configured"
    _rollout(kubectl)
    deployment = _json(kubectl, "get", "deployment", "web")
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert deployment["status"]["updatedReplicas"] == 2
    assert deployment["metadata"]["generation"] == 2
    assert kubectl("apply", "-f", "-", input=changed).strip() == "deployment.apps/web unchanged"


def test_patch_strategic_merge_and_json(kubectl: Kubectl) -> None:
    kubectl("apply", "-f", "-", input=DEPLOYMENT)
    kubectl(
        "patch",
        "deployment",
        "web",
        "--type",
        "strategic",
        "-p",
        '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"A","value":"1"}]}]}}}}',
    )
    kubectl(
        "patch",
        "deployment",
        "web",
        "--type",
        "merge",
        "-p",
        '{"metadata":{"labels":{"tier":"front"}}}',
    )
    kubectl(
        "patch",
        "deployment",
        "web",
        "--type",
        "json",
        "-p",
        '[{"op":"replace","path":"/spec/replicas","value":3}]',
    )
    deployment = _json(kubectl, "get", "deployment", "web")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "nginx:1.25"  # strategic merge kept the rest of the container
    assert container["env"] == [{"name": "A", "value": "1"}]
    assert deployment["metadata"]["labels"] == {"app": "web", "tier": "front"}
    assert deployment["spec"]["replicas"] == 3


def test_scale_rollout_restart_and_undo(kubectl: Kubectl) -> None:
    kubectl("apply", "-f", "-", input=DEPLOYMENT)
    _rollout(kubectl)
    kubectl("scale", "deployment", "web", "--replicas=3")
    wait_for(lambda: _json(kubectl, "get", "deployment", "web")["status"].get("readyReplicas") == 3)
    first_rs = {
        rs["metadata"]["name"] for rs in _json(kubectl, "get", "rs", "-l", "app=web")["items"]
    }

    kubectl("rollout", "restart", "deployment/web")
    _rollout(kubectl)
    after_restart = _json(kubectl, "get", "rs", "-l", "app=web")["items"]
    assert len(after_restart) == 2
    new_rs = next(rs for rs in after_restart if rs["metadata"]["name"] not in first_rs)
    assert new_rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
    template = _json(kubectl, "get", "deployment", "web")["spec"]["template"]
    assert "kubectl.kubernetes.io/restartedAt" in template["metadata"]["annotations"]

    kubectl("rollout", "undo", "deployment/web")
    _rollout(kubectl)
    deployment = _json(kubectl, "get", "deployment", "web")
    assert "kubectl.kubernetes.io/restartedAt" not in (
        deployment["spec"]["template"]["metadata"].get("annotations") or {}
    )
    assert deployment["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3"
    pods = _json(kubectl, "get", "pods", "-l", "app=web")["items"]
    live = [p for p in pods if not p["metadata"].get("deletionTimestamp")]
    assert {p["metadata"]["labels"]["pod-template-hash"] for p in live} == {
        rs["metadata"]["labels"]["pod-template-hash"]
        for rs in _json(kubectl, "get", "rs", "-l", "app=web")["items"]
        if rs["metadata"]["name"] in first_rs
    }
    history = kubectl("rollout", "history", "deployment/web")
    assert "2" in history and "3" in history


def test_annotate_and_label(kubectl: Kubectl) -> None:
    kubectl("apply", "-f", "-", input=_pod("tagged"))
    kubectl("annotate", "pod", "tagged", "owner=sre-team")
    kubectl("label", "pod", "tagged", "tier=backend")
    pod = _json(kubectl, "get", "pod", "tagged")
    assert pod["metadata"]["annotations"]["owner"] == "sre-team"
    assert pod["metadata"]["labels"]["tier"] == "backend"
    kubectl("label", "pod", "tagged", "tier-")
    assert "tier" not in (_json(kubectl, "get", "pod", "tagged")["metadata"].get("labels") or {})


def test_delete_with_a_finalizer_and_with_cascading_owners(kubectl: Kubectl) -> None:
    held = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "held", "finalizers": ["example.com/keep"]},
    }
    kubectl("apply", "-f", "-", input=yaml.safe_dump(held))
    kubectl("delete", "configmap", "held", "--wait=false")
    assert _json(kubectl, "get", "configmap", "held")["metadata"]["deletionTimestamp"]
    kubectl(
        "patch", "configmap", "held", "--type", "merge", "-p", '{"metadata":{"finalizers":null}}'
    )
    assert "NotFound" in kubectl.run("get", "configmap", "held", check=False).stderr

    kubectl("apply", "-f", "-", input=DEPLOYMENT)
    _rollout(kubectl)
    kubectl("delete", "deployment", "web")
    wait_for(lambda: kubectl("get", "rs,pods", "-l", "app=web", "-o", "name") == "")


def test_logs(kubectl: Kubectl) -> None:
    kubectl("apply", "-f", "-", input=DEPLOYMENT)
    _rollout(kubectl)
    logs = kubectl("logs", "deployment/web")
    assert "starting nginx:1.25" in logs
    assert kubectl("logs", "deployment/web", "--tail=1").strip() == "INFO ready to serve requests"


def test_get_watch_sees_a_change(kubectl: Kubectl) -> None:
    kubectl("apply", "-f", "-", input=_pod("watched"))
    watcher = kubectl.popen("get", "pods", "-w", "--request-timeout=8s")
    time.sleep(1.0)
    kubectl("label", "pod", "watched", "seen=yes")
    kubectl("apply", "-f", "-", input=_pod("second"))
    output, _ = watcher.communicate(timeout=20)
    lines = [line.split()[0] for line in output.splitlines()[1:] if line.strip()]
    assert "watched" in lines and "second" in lines
    assert output.splitlines()[0].split()[:3] == ["NAME", "READY", "STATUS"]


def test_stale_update_is_refused_with_409(kubectl: Kubectl) -> None:
    kubectl("apply", "-f", "-", input=_pod("versioned"))
    stale = _json(kubectl, "get", "pod", "versioned")
    kubectl("label", "pod", "versioned", "bump=1")
    stale["metadata"]["labels"] = {"stale": "true"}
    result = kubectl.run("replace", "-f", "-", input=json.dumps(stale), check=False)
    assert result.returncode != 0
    assert "Conflict" in result.stderr or "the object has been modified" in result.stderr


def test_server_dry_run_changes_nothing(kubectl: Kubectl, sim: Simulator) -> None:
    output = kubectl("apply", "--dry-run=server", "-f", "-", input=DEPLOYMENT)
    assert "(server dry run)" in output
    assert "NotFound" in kubectl.run("get", "deployment", "web", check=False).stderr
    kubectl("apply", "-f", "-", input=DEPLOYMENT)
    kubectl("scale", "deployment", "web", "--replicas=5", "--dry-run=server")
    kubectl("delete", "deployment", "web", "--dry-run=server")
    assert _json(kubectl, "get", "deployment", "web")["spec"]["replicas"] == 2
    dry = [r for r in sim.request_log.writes(include_dry_run=True) if r.dry_run]
    assert {r.verb for r in dry} >= {"create", "patch", "delete"}


def test_crd_registered_at_run_time_is_served_with_printer_columns(kubectl: Kubectl) -> None:
    kubectl("apply", "-f", "-", input=CRD)
    kubectl("wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=30s")
    widget = {
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "blue-one"},
        "spec": {"colour": "blue"},
    }
    kubectl("apply", "-f", "-", input=yaml.safe_dump(widget))
    kubectl(
        "patch",
        "widget",
        "blue-one",
        "--subresource=status",
        "--type=merge",
        "-p",
        '{"status":{"conditions":[{"type":"Ready","status":"True"}]}}',
    )
    table = kubectl("get", "wd").splitlines()
    assert table[0].split() == ["NAME", "COLOUR", "READY", "AGE"]
    assert table[1].split()[:3] == ["blue-one", "blue", "True"]
    strategic = kubectl.run(
        "patch",
        "widget",
        "blue-one",
        "--type=strategic",
        "-p",
        '{"spec":{"colour":"red"}}',
        check=False,
    )
    assert strategic.returncode != 0
