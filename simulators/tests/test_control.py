import httpx
import pytest

from mmp_simulators import create_app

pytestmark = pytest.mark.unit


async def test_system_reports_product_and_version(mivb: httpx.AsyncClient, mbg: httpx.AsyncClient) -> None:
    assert (await mivb.get("/api/system")).json() == {"product": "MiVoice Business", "version": "10.1.0.0"}
    mbg_system = (await mbg.get("/api/system")).json()
    assert mbg_system == {"product": "MiVoice Border Gateway", "version": "12.0.0.0"}


async def test_micollab_reports_rest_api_scripts(micollab: httpx.AsyncClient) -> None:
    system = (await micollab.get("/api/system")).json()
    assert system == {"product": "MiCollab", "version": "9.8.0.0", "rest_api_scripts": True}


async def test_version_changes_at_runtime(micollab: httpx.AsyncClient) -> None:
    response = await micollab.put("/_sim/version", json={"version": "9.2.0.0", "rest_api_scripts": False})

    assert response.status_code == 200
    system = (await micollab.get("/api/system")).json()
    assert system == {"product": "MiCollab", "version": "9.2.0.0", "rest_api_scripts": False}
    assert (await micollab.get("/_sim/state")).json()["version"] == "9.2.0.0"


async def test_rest_api_scripts_is_micollab_only(mivb: httpx.AsyncClient) -> None:
    response = await mivb.put("/_sim/version", json={"version": "9.0.0.0", "rest_api_scripts": True})
    assert response.status_code == 422


async def test_reset_clears_state_and_faults_and_reseeds(mivb: httpx.AsyncClient) -> None:
    await mivb.put("/api/tenants/t1", json={"name": "Acme"})
    await mivb.delete("/api/hunt-groups/6000")
    await mivb.put("/_sim/version", json={"version": "9.0.0.0"})
    await mivb.post("/_sim/faults", json={"latency_ms": 1})

    reset = await mivb.post("/_sim/reset")

    assert reset.json() == {
        "tenants": {},
        "hunt_groups": {"6000": {"number": "6000", "name": "Voicemail", "type": "voicemail"}},
        "product": "MiVoice Business",
        "version": "10.1.0.0",
        "faults": {"down": False, "fail_next": 0, "fail_for": None, "latency_ms": 0},
    }
    assert (await mivb.get("/_sim/state")).json() == reset.json()


def test_apps_do_not_share_state() -> None:
    first, second = create_app("mbg", "1"), create_app("mbg", "1")
    assert first.state.simulator is not second.state.simulator


def test_unknown_product_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown product"):
        create_app("mx-one", "1")
