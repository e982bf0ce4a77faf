import time

import httpx
import pytest

pytestmark = pytest.mark.unit


async def test_no_faults_by_default(mivb: httpx.AsyncClient) -> None:
    state = (await mivb.get("/_sim/state")).json()
    assert state["faults"] == {"down": False, "fail_next": 0, "fail_for": None, "latency_ms": 0}


async def test_down_makes_product_api_unreachable_but_not_control_api(mivb: httpx.AsyncClient) -> None:
    await mivb.post("/_sim/faults", json={"down": True})

    response = await mivb.get("/api/system")
    assert response.status_code == 503
    assert response.json() == {"detail": "MiVoice Business unreachable"}
    assert (await mivb.get("/api/no-such-route")).status_code == 503
    assert (await mivb.get("/_sim/state")).status_code == 200


async def test_fail_next_fails_that_many_requests(mbg: httpx.AsyncClient) -> None:
    await mbg.post("/_sim/faults", json={"fail_next": 2})

    statuses = [(await mbg.get("/api/customers")).status_code for _ in range(3)]

    assert statuses == [500, 500, 200]
    failed = await mbg.post("/_sim/faults", json={"fail_next": 1})
    assert failed.json()["fail_next"] == 1
    assert (await mbg.get("/api/customers")).json() == {"detail": "injected failure"}


async def test_fail_for_matches_path_or_raw_body(micollab: httpx.AsyncClient) -> None:
    await micollab.post("/_sim/faults", json={"fail_for": "acme"})

    by_path = await micollab.put("/api/tenants/acme", json={"name": "x"})
    by_body = await micollab.put("/api/tenants/t1", json={"name": "acme corp"})
    unrelated = await micollab.put("/api/tenants/t2", json={"name": "globex"})

    assert (by_path.status_code, by_body.status_code, unrelated.status_code) == (500, 500, 200)
    assert by_body.json() == {"detail": "injected failure"}
    assert list((await micollab.get("/_sim/state")).json()["tenants"]) == ["t2"]


async def test_latency_delays_product_requests(mivb: httpx.AsyncClient) -> None:
    await mivb.post("/_sim/faults", json={"latency_ms": 150})

    started = time.monotonic()
    response = await mivb.get("/api/system")

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.14


async def test_faults_merge_and_clear(mivb: httpx.AsyncClient) -> None:
    await mivb.post("/_sim/faults", json={"down": True})
    merged = (await mivb.post("/_sim/faults", json={"fail_for": "x", "latency_ms": 5})).json()
    assert merged == {"down": True, "fail_next": 0, "fail_for": "x", "latency_ms": 5}

    cleared = await mivb.delete("/_sim/faults")

    assert cleared.json() == {"down": False, "fail_next": 0, "fail_for": None, "latency_ms": 0}
    assert (await mivb.get("/api/system")).status_code == 200


async def test_invalid_faults_are_rejected(mivb: httpx.AsyncClient) -> None:
    assert (await mivb.post("/_sim/faults", json={"fail_next": -1})).status_code == 422
    assert (await mivb.post("/_sim/faults", json={"dwon": True})).status_code == 422
