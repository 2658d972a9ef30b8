"""TokenReview: the simulator authenticates a token the way a real API server would."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from kubernaut.sim.server import ADMIN_TOKEN, Simulator


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with Simulator(tokens={"alertmanager-token": "system:serviceaccount:mon:alertmanager"}) as s:
        yield s


def _review(sim: Simulator, token: str) -> httpx.Response:
    body = {
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "TokenReview",
        "spec": {"token": token},
    }
    return httpx.post(
        f"{sim.url}/apis/authentication.k8s.io/v1/tokenreviews",
        json=body,
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )


def test_known_token_is_authenticated_as_its_user(sim: Simulator) -> None:
    answer = _review(sim, "alertmanager-token")
    assert answer.status_code == 201
    status = answer.json()["status"]
    assert status["authenticated"] is True
    assert status["user"]["username"] == "system:serviceaccount:mon:alertmanager"


def test_unknown_token_is_not_authenticated(sim: Simulator) -> None:
    status = _review(sim, "guess").json()["status"]
    assert status["authenticated"] is False
    assert status["error"]
