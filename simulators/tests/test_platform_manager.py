import httpx
import pytest

pytestmark = pytest.mark.unit

STANDARD = {
    "id": "bp-mivb-standard",
    "name": "MiVB standard",
    "description": "MiVB with MiCollab and one MBG site",
    "platform_type": "MiVoice Business",
}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic !!!"},
        {"Authorization": "Bearer abc"},
        {"Authorization": "Basic cG0tYWRtaW4="},  # "pm-admin" without a ":password" part
    ],
)
async def test_api_needs_basic_auth(pm: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await pm.get("/api/system", auth=None, headers=headers)
    assert (response.status_code, response.json()) == (401, {"detail": "invalid credentials"})
    assert response.headers["www-authenticate"] == "Basic"


async def test_wrong_password_is_rejected(pm: httpx.AsyncClient) -> None:
    assert (await pm.get("/api/blueprints", auth=("pm-admin", "wrong"))).status_code == 401


async def test_system_with_valid_credentials(pm: httpx.AsyncClient) -> None:
    assert (await pm.get("/api/system")).json() == {"product": "Platform Manager", "version": "3.0.0.0"}


async def test_control_api_needs_no_auth(pm: httpx.AsyncClient) -> None:
    state = (await pm.get("/_sim/state", auth=None)).json()
    assert state["blueprints"] == {"bp-mivb-standard": STANDARD}


async def test_blueprints_are_seeded_and_extendable(pm: httpx.AsyncClient) -> None:
    assert (await pm.get("/api/blueprints")).json() == [STANDARD]
    assert (await pm.get("/api/blueprints/bp-mivb-standard")).json() == STANDARD
    assert (await pm.get("/api/blueprints/bp-other")).status_code == 404

    added = await pm.put("/api/blueprints/bp-other", json={"name": "Other", "platform_type": "MX-ONE"})

    assert added.json() == {"name": "Other", "platform_type": "MX-ONE", "id": "bp-other"}
    assert (await pm.get("/api/blueprints/bp-other")).json() == added.json()


async def test_credentials_rotate_and_reset_restores_them(pm: httpx.AsyncClient) -> None:
    rotated = await pm.put("/_sim/credentials", json={"username": "pm-admin", "password": "rotated"})
    assert rotated.json() == {"username": "pm-admin"}

    assert (await pm.get("/api/system")).status_code == 401
    assert (await pm.get("/api/system", auth=("pm-admin", "rotated"))).status_code == 200

    await pm.put("/api/blueprints/bp-other", json={}, auth=("pm-admin", "rotated"))
    await pm.post("/_sim/reset")
    assert (await pm.get("/api/blueprints")).json() == [STANDARD]


async def test_a_rotation_may_keep_the_previous_credentials_for_a_grace_period(pm: httpx.AsyncClient) -> None:
    await pm.put("/_sim/credentials", json={"username": "pm-admin", "password": "next", "keep_previous": True})

    assert (await pm.get("/api/system")).status_code == 200
    assert (await pm.get("/api/system", auth=("pm-admin", "next"))).status_code == 200

    await pm.put("/_sim/credentials", json={"username": "pm-admin", "password": "next"})

    assert (await pm.get("/api/system")).status_code == 401
    assert (await pm.get("/api/system", auth=("pm-admin", "next"))).status_code == 200
