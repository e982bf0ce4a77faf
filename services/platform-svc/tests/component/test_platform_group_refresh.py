from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from mmp_contracts.events import PlatformAssigned, PlatformGroupChanged
from mmp_servicekit.testing import wait_until

if TYPE_CHECKING:
    from conftest import Harness  # the fixture's type; pytest loads conftest itself

pytestmark = pytest.mark.component

REFRESH = "/api/v1/platform-groups/pg-1/refresh"


async def test_r16_a_micollab_upgrade_reaches_the_group_and_the_next_assignment(harness: Harness) -> None:
    await harness.micollab.control.put("/_sim/version", json={"version": "9.1.0.0"})
    await harness.blueprint_ready()
    assert (await harness.create_group()).json()["micollab"]["version"] == "9.1.0.0"
    assert (await harness.api.post(REFRESH)).json()["micollab"]["version"] == "9.1.0.0"
    await harness.runtime.relay.flush()
    assert harness.capture.of(PlatformGroupChanged) == []  # nothing moved: no news

    await harness.micollab.control.put("/_sim/version", json={"version": "9.2.0.0"})
    refreshed = await harness.api.post(REFRESH)

    assert refreshed.json()["micollab"]["version"] == "9.2.0.0"
    changed = await harness.capture.wait_for(PlatformGroupChanged)
    assert (changed.platform_group_id, changed.micollab_version, changed.mivb_version) == (
        "pg-1",
        "9.2.0.0",
        "10.1.0.0",
    )
    assert (await harness.api.get("/api/v1/platform-groups/pg-1")).json()["micollab"]["version"] == "9.2.0.0"
    customer = harness.new_customer()
    await harness.request(customer)
    assert (await harness.event(PlatformAssigned, customer)).micollab.version == "9.2.0.0"  # MiTeam Meetings now


async def test_an_unreachable_platform_keeps_its_version_and_shows_down(from_blueprint: Harness) -> None:
    harness = from_blueprint
    await harness.mbg.faults(down=True)
    await harness.sims["mivb2"].faults(down=True)

    down = (await harness.api.post(REFRESH)).json()

    assert down["health"]["reachable"] == {
        "mivb": True,
        "mivb_secondary": False,
        "micollab": True,
        "site:ottawa": False,
    }
    assert down["health"]["errors"]["site:ottawa"].startswith("HTTP 503 on GET /api/system")
    assert down["sites"][0]["mbg"]["version"] == "12.0.0.0"
    await harness.mbg.clear_faults()
    await harness.sims["mivb2"].clear_faults()
    assert all((await harness.api.post(REFRESH)).json()["health"]["reachable"].values())
    await wait_until(lambda: len(harness.capture.of(PlatformGroupChanged)) == 2, what="down, then up again")
    first, second = harness.capture.of(PlatformGroupChanged)
    assert (first.reachable["site:ottawa"], second.reachable["site:ottawa"]) == (False, True)


async def test_r4_a_lost_voicemail_hunt_group_is_noticed(from_blueprint: Harness) -> None:
    harness = from_blueprint
    await harness.mivb.control.delete("/api/hunt-groups/6000")

    refreshed = (await harness.api.post(REFRESH)).json()

    assert refreshed["health"]["voicemail_hunt_group"] is False
    assert (await harness.capture.wait_for(PlatformGroupChanged)).voicemail_hunt_group is False


async def test_a_group_registered_by_hand_is_refreshed_too(registered: Harness) -> None:
    await registered.mivb.control.put("/_sim/version", json={"version": "10.2.0.0"})

    refreshed = (await registered.api.post(REFRESH)).json()

    assert (refreshed["mivb"]["version"], refreshed["health"]["voicemail_hunt_group"]) == ("10.2.0.0", True)
    assert "mivb_secondary" not in refreshed["health"]["reachable"]
    assert (await registered.capture.wait_for(PlatformGroupChanged)).mivb_version == "10.2.0.0"
    assert (await registered.api.post("/api/v1/platform-groups/pg-none/refresh")).status_code == 404
