"""End to end through the HTTP API: kubectl rollouts against the workload controllers."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = pytest.mark.kubectl

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.25"}]
"""

STATEFUL_SET = """
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: "postgres:16"}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
"""


def revisions(kubectl: Any) -> dict[str, str]:
    """Revision number -> replica set name, from the replica sets' annotations."""
    found = json.loads(kubectl("get", "rs", "-l", "app=web", "-o", "json"))["items"]
    return {
        rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]: rs["metadata"]["name"]
        for rs in found
    }


def history(kubectl: Any, resource: str) -> list[str]:
    lines = kubectl("rollout", "history", resource).splitlines()
    return [line.split()[0] for line in lines[2:] if line.strip()]


def test_deployment_rollout_restart_and_undo(kubectl: Any) -> None:
    kubectl("apply", "-f", "-", input=DEPLOYMENT)
    assert "successfully rolled out" in kubectl("rollout", "status", "deploy/web", "--timeout=60s")

    kubectl("rollout", "restart", "deploy/web")
    assert "successfully rolled out" in kubectl("rollout", "status", "deploy/web", "--timeout=60s")
    kubectl("set", "image", "deploy/web", "web=nginx:1.26")
    assert "successfully rolled out" in kubectl("rollout", "status", "deploy/web", "--timeout=60s")
    assert history(kubectl, "deploy/web") == ["1", "2", "3"]
    restarted = revisions(kubectl)["2"]

    assert "rolled back" in kubectl("rollout", "undo", "deploy/web")
    assert "successfully rolled out" in kubectl("rollout", "status", "deploy/web", "--timeout=60s")
    assert history(kubectl, "deploy/web") == ["1", "3", "4"]
    assert revisions(kubectl)["4"] == restarted
    image = kubectl("get", "deploy/web", "-o", "jsonpath={.spec.template.spec.containers[0].image}")
    assert image == "nginx:1.25"

    ready = kubectl("get", "deploy/web", "-o", "jsonpath={.status.readyReplicas}")
    assert ready == "3"
    description = kubectl("describe", "deploy", "web")
    assert f"NewReplicaSet:   {restarted} (3/3 replicas created)" in description
    assert "NewReplicaSetAvailable" in description
    assert f"Scaled up replica set {restarted} to 1 from 0" in description


def test_statefulset_rollout_and_undo(kubectl: Any) -> None:
    kubectl("apply", "-f", "-", input=STATEFUL_SET)
    status = kubectl("rollout", "status", "sts/db", "--timeout=60s")
    assert "roll out complete: 2 new pods have been updated" in status
    kubectl("set", "image", "sts/db", "db=postgres:17")
    kubectl("rollout", "status", "sts/db", "--timeout=60s")
    assert history(kubectl, "sts/db") == ["1", "2"]

    assert "rolled back" in kubectl("rollout", "undo", "sts/db")
    kubectl("rollout", "status", "sts/db", "--timeout=60s")
    assert history(kubectl, "sts/db") == ["2", "3"]
    images = kubectl(
        "get", "pods", "-l", "app=db", "-o", "jsonpath={.items[*].spec.containers[0].image}"
    )
    assert images.split() == ["postgres:16", "postgres:16"]
    claims = kubectl("get", "pvc", "-o", "jsonpath={.items[*].metadata.name}")
    assert claims.split() == ["data-db-0", "data-db-1"]


def test_stuck_rollout_fails_rollout_status_at_the_deadline(kubectl: Any) -> None:
    kubectl("apply", "-f", "-", input=DEPLOYMENT)
    kubectl("rollout", "status", "deploy/web", "--timeout=60s")
    never_ready = {
        "spec": {
            "progressDeadlineSeconds": 30,
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "image": "nginx:broken",
                            "readinessProbe": {
                                "httpGet": {"path": "/", "port": 80},
                                "initialDelaySeconds": 100000,
                            },
                        }
                    ]
                }
            },
        }
    }
    kubectl("patch", "deploy/web", "-p", json.dumps(never_ready))
    result = kubectl.run("rollout", "status", "deploy/web", "--timeout=60s", check=False)
    assert result.returncode != 0
    assert 'deployment "web" exceeded its progress deadline' in result.stderr
    ready = kubectl("get", "deploy/web", "-o", "jsonpath={.status.readyReplicas}")
    assert ready == "3"  # the old pods keep serving
