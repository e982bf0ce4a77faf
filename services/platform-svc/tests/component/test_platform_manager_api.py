from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any

import pytest

from mmp_contracts.events import PlatformManagerStatusChanged
from mmp_servicekit.testing import wait_until

if TYPE_CHECKING:
    from conftest import Harness  # the fixture's type; pytest loads conftest itself

pytestmark = pytest.mark.component

PM = "/api/v1/platform-manager"


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


async def status(harness: Harness) -> dict[str, Any]:
    view: dict[str, Any] = (await harness.api.get(PM)).json()
    return view


async def gauge(harness: Harness) -> str:
    metrics = (await harness.api.get("/metrics")).text
    return next(line for line in metrics.splitlines() if line.startswith("mmp_platform_manager_credentials_ok "))


def statuses(harness: Harness) -> list[str]:
    return [event.status for event in harness.capture.of(PlatformManagerStatusChanged)]


async def test_r2_registration_needs_the_feature_enabled_first(harness: Harness) -> None:
    registration = {"url": harness.pm.url, "username": "pm-admin", "password": "pm-secret"}

    refused = await harness.api.put(PM, json=registration)

    assert refused.status_code == 409
    assert refused.json()["detail"][0]["rule"] == "R2"
    assert await status(harness) == {
        "enabled": False,
        "url": None,
        "username": None,
        "status": "NOT_REGISTERED",
        "checked_at": None,
        "last_error": None,
        "pm_version": None,
    }


async def test_registration_verifies_and_stores_the_password_encrypted(harness: Harness) -> None:
    await harness.pm_ready()

    view = await status(harness)
    assert (view["enabled"], view["url"], view["username"], view["status"], view["pm_version"]) == (
        True,
        harness.pm.url,
        "pm-admin",
        "OK",
        "3.0.0.0",
    )
    assert "password" not in view
    stored = await harness.runtime.collection("platform_manager").get("pm")
    assert stored is not None
    assert "pm-secret" not in str(stored)
    assert stored["password_sealed"].startswith("gAAAA")  # a Fernet token
    changed = await harness.capture.wait_for(PlatformManagerStatusChanged)
    assert (changed.status, changed.url) == ("OK", harness.pm.url)
    assert await gauge(harness) == "mmp_platform_manager_credentials_ok 1.0"


async def test_r3_wrong_credentials_are_refused_with_a_clear_reason(harness: Harness) -> None:
    await harness.api.put(f"{PM}/feature", json={"enabled": True})

    refused = await harness.api.put(PM, json={"url": harness.pm.url, "username": "pm-admin", "password": "nope"})

    assert refused.status_code == 422
    assert refused.json() == {
        "detail": [{"field": "password", "rule": "R3", "message": "the Platform Manager refused these credentials"}]
    }
    assert (await status(harness))["status"] == "NOT_REGISTERED"


async def test_an_unreachable_pm_or_a_url_with_credentials_is_refused(harness: Harness) -> None:
    await harness.api.put(f"{PM}/feature", json={"enabled": True})
    dead = closed_port_url()
    await harness.pm.faults(down=True)

    nobody = await harness.api.put(PM, json={"url": dead, "username": "pm-admin", "password": "pm-secret"})
    down = await harness.api.put(PM, json={"url": harness.pm.url, "username": "pm-admin", "password": "pm-secret"})
    inline = harness.pm.url.replace("http://", "http://pm-admin:pm-secret@")
    in_url = await harness.api.put(PM, json={"url": inline, "username": "pm-admin", "password": "pm-secret"})

    assert nobody.status_code == down.status_code == in_url.status_code == 422
    assert dead in nobody.json()["detail"][0]["message"]
    assert f"{harness.pm.url}: HTTP 503 on GET /api/system" in down.json()["detail"][0]["message"]
    assert in_url.json()["detail"][0]["message"] == (
        "the URL must not carry credentials; give them as username and password"
    )
    assert "pm-secret" not in in_url.text


async def test_r3_stale_credentials_show_then_a_rotation_fixes_them(harness: Harness) -> None:
    await harness.pm_ready()
    await harness.pm.control.put("/_sim/credentials", json={"username": "pm-admin", "password": "rotated-1"})

    checked = (await harness.api.post(f"{PM}/check")).json()

    assert (checked["status"], checked["last_error"]) == (
        "CREDENTIALS_REJECTED",
        f"the Platform Manager at {harness.pm.url} refused the stored credentials",
    )
    assert await gauge(harness) == "mmp_platform_manager_credentials_ok 0.0"
    wrong = await harness.api.post(f"{PM}/credentials", json={"username": "pm-admin", "password": "guess"})
    assert (wrong.status_code, wrong.json()["detail"][0]["rule"]) == (422, "R3")

    rotated = await harness.api.post(f"{PM}/credentials", json={"username": "pm-admin", "password": "rotated-1"})

    assert (rotated.status_code, rotated.json()["status"], rotated.json()["last_error"]) == (200, "OK", None)
    assert await gauge(harness) == "mmp_platform_manager_credentials_ok 1.0"
    await wait_until(lambda: statuses(harness) == ["OK", "CREDENTIALS_REJECTED", "OK"], what="three status events")


async def test_r3_rotation_without_downtime_keeps_the_old_ones_until_the_new_ones_are_verified(
    harness: Harness,
) -> None:
    await harness.pm_ready()
    early = await harness.api.post(f"{PM}/credentials", json={"username": "pm-admin", "password": "next"})
    assert early.status_code == 422  # the PM does not know them yet: nothing replaced
    assert (await harness.api.post(f"{PM}/check")).json()["status"] == "OK"  # the old ones still serve
    change = {"username": "pm-admin", "password": "next", "keep_previous": True}
    await harness.pm.control.put("/_sim/credentials", json=change)  # the PM's grace period: both work

    assert (await harness.api.post(f"{PM}/credentials", json={"username": "pm-admin", "password": "next"})).is_success
    await harness.pm.control.put("/_sim/credentials", json={"username": "pm-admin", "password": "next"})

    assert (await harness.api.post(f"{PM}/check")).json()["status"] == "OK"
    await harness.runtime.relay.flush()
    assert statuses(harness) == ["OK"]  # never a moment without working credentials


async def test_pm_down_shows_unreachable_then_ok_again(harness: Harness) -> None:
    await harness.pm_ready()
    await harness.pm.faults(down=True)

    down = (await harness.api.post(f"{PM}/check")).json()

    assert down["status"] == "UNREACHABLE"
    assert down["last_error"] == f"{harness.pm.url}: HTTP 503 on GET /api/system"
    await harness.pm.clear_faults()
    assert (await harness.api.post(f"{PM}/check")).json()["status"] == "OK"
    await wait_until(lambda: statuses(harness) == ["OK", "UNREACHABLE", "OK"], what="three status events")
    unreachable = harness.capture.of(PlatformManagerStatusChanged)[1]
    assert unreachable.reason == down["last_error"]


async def test_disabling_the_feature_stops_the_pm_work(harness: Harness) -> None:
    await harness.pm_ready()

    off = (await harness.api.put(f"{PM}/feature", json={"enabled": False})).json()

    assert (off["enabled"], off["url"]) == (False, harness.pm.url)
    assert (await harness.api.get(f"{PM}/blueprints")).status_code == 409
    assert await gauge(harness) == "mmp_platform_manager_credentials_ok 0.0"
    again = await harness.api.put(f"{PM}/feature", json={"enabled": True})
    assert again.json()["status"] == "OK"


async def test_bad_bodies_and_missing_token_are_refused(harness: Harness) -> None:
    assert (await harness.api.put(f"{PM}/feature", json={"enabled": "maybe"})).status_code == 422
    assert (await harness.api.put(PM, json={"url": harness.pm.url, "username": "x"})).status_code == 422
    assert (await harness.api.get(PM, headers={"Authorization": ""})).status_code == 401
