"""enable_debug_mode: the variable set on the container (a rollout follows) and the
rollback writes putting back what was there, or removing it."""

from __future__ import annotations

from action_support import container, deployment, namespace, plan, send_all

from kubernaut.core.resources import ResourceRef
from kubernaut.kube import KubeClient
from kubernaut.sim.server import Simulator

WEB = ResourceRef(kind="Deployment", namespace="shop", name="web")


async def _env(kube: KubeClient) -> list[dict[str, object]]:
    found = await kube.get("apps/v1", "Deployment", "shop", "web")
    assert found is not None
    env: list[dict[str, object]] = found["spec"]["template"]["spec"]["containers"][0].get("env", [])
    return env


async def test_debug_mode_sets_the_variable_and_rollback_removes_it(
    sim: Simulator, kube: KubeClient
) -> None:
    sim.apply(
        [
            namespace(),
            deployment("web", containers=[container("web", env=[{"name": "PORT", "value": "80"}])]),
        ]
    )

    planned = await plan(kube, "enable_debug_mode", WEB)
    assert planned.parameters == {
        "env_name": "LOG_LEVEL",
        "value": "debug",
        "container": "web",
    }
    assert planned.summary == "LOG_LEVEL of container web in Deployment shop/web: unset -> debug"
    await send_all(kube, planned.writes, dry_run=True)
    assert await _env(kube) == [{"name": "PORT", "value": "80"}]
    await send_all(kube, planned.writes)
    assert await _env(kube) == [
        {"name": "PORT", "value": "80"},
        {"name": "LOG_LEVEL", "value": "debug"},
    ]

    await send_all(kube, planned.rollback)
    assert await _env(kube) == [{"name": "PORT", "value": "80"}]


async def test_rollback_restores_a_previous_value(sim: Simulator, kube: KubeClient) -> None:
    env = [{"name": "VERBOSITY", "value": "1"}]
    sim.apply([namespace(), deployment("web", containers=[container("web", env=env)])])

    planned = await plan(kube, "enable_debug_mode", WEB, env_name="VERBOSITY", value="9")
    await send_all(kube, planned.writes)
    assert await _env(kube) == [{"name": "VERBOSITY", "value": "9"}]
    await send_all(kube, planned.rollback)
    assert await _env(kube) == env


async def test_credentials_are_not_shown_in_the_summary(sim: Simulator, kube: KubeClient) -> None:
    env = [{"name": "DEBUG_TOKEN", "value": "s3cr3t-value"}]
    sim.apply([namespace(), deployment("web", containers=[container("web", env=env)])])

    planned = await plan(kube, "enable_debug_mode", WEB, env_name="DEBUG_TOKEN", value="x1")

    assert "s3cr3t" not in planned.summary
    assert "[REDACTED]" in planned.summary
