"""No secret value (a PM password, in clear or as a Basic auth header, or the secrets key) in any log
line, event, API response or stored document, across registration, rotation, a failed check and a group."""

from __future__ import annotations

import base64
import logging
from typing import TYPE_CHECKING

import httpx
import pytest

from mmp_contracts.events import PlatformGroupCreated, PlatformManagerStatusChanged
from mmp_servicekit.testing import wait_until

if TYPE_CHECKING:
    from conftest import Harness  # the fixture's type; pytest loads conftest itself

pytestmark = pytest.mark.component

USERNAME = "pm-admin"
FIRST, SECOND, WRONG = "Xy7-first-7c41d2", "Xy7-second-b83e90", "Xy7-wrong-55aa01"
PM = "/api/v1/platform-manager"


def secrets_of(harness: Harness, *passwords: str) -> list[str]:
    basic = [base64.b64encode(f"{USERNAME}:{password}".encode()).decode() for password in passwords]
    key = getattr(harness.runtime.settings, "secrets_key", None)
    assert key is not None, "the harness sets MMP_SECRETS_KEY"
    return [*passwords, *basic, key.get_secret_value()]


async def test_no_secret_in_logs_events_responses_or_storage(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bodies: list[str] = []

    async def keep(response: httpx.Response) -> None:
        bodies.append((await response.aread()).decode())

    harness.api.event_hooks["response"].append(keep)
    await harness.pm.control.put("/_sim/credentials", json={"username": USERNAME, "password": FIRST})
    await harness.api.put(f"{PM}/feature", json={"enabled": True})

    refused = await harness.api.put(PM, json={"url": harness.pm.url, "username": USERNAME, "password": WRONG})
    too_long = await harness.api.put(PM, json={"url": harness.pm.url, "username": USERNAME, "password": WRONG * 30})
    registered = await harness.api.put(PM, json={"url": harness.pm.url, "username": USERNAME, "password": FIRST})
    await harness.api.post("/api/v1/blueprints", json={"blueprint_id": "bp-mivb-standard"})
    created = await harness.create_group()
    await harness.pm.control.put("/_sim/credentials", json={"username": USERNAME, "password": SECOND})
    failing = await harness.api.post(f"{PM}/check")
    listed = await harness.api.get(f"{PM}/blueprints")
    rotated = await harness.api.post(f"{PM}/credentials", json={"username": USERNAME, "password": SECOND})
    await harness.api.get(PM)
    await harness.api.get("/metrics")

    assert [r.status_code for r in (refused, too_long, registered, created, listed, rotated)] == [
        422,
        422,
        200,
        201,
        502,
        200,
    ]
    assert failing.json()["status"] == "CREDENTIALS_REJECTED"
    await harness.capture.wait_for(PlatformGroupCreated)
    await wait_until(lambda: len(harness.capture.of(PlatformManagerStatusChanged)) == 3, what="OK, rejected, OK")
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    logs = [formatter.format(record) for record in caplog.records]
    events = [event.to_json().decode() for event in harness.capture.events]
    stored = [
        str(doc)
        for name in ("platform_manager", "platform_groups", "blueprints")
        for doc in await harness.runtime.collection(name).find()
    ]
    assert logs
    assert events
    assert bodies
    assert stored
    for secret in secrets_of(harness, FIRST, SECOND, WRONG):
        assert not [line for line in logs if secret in line], "a secret in a log line"
        assert not [event for event in events if secret in event], "a secret in an event"
        assert not [body for body in bodies if secret in body], "a secret in an API response"
        assert not [doc for doc in stored if secret in doc], "a secret stored in clear"
