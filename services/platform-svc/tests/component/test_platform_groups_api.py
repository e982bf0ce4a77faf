from __future__ import annotations

import socket
from typing import TYPE_CHECKING

import pytest

from mmp_contracts.events import PlatformGroupCreated
from mmp_servicekit.testing import wait_until

if TYPE_CHECKING:
    from conftest import Harness  # the fixture's type; pytest loads conftest itself

pytestmark = pytest.mark.component


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


async def test_register_discovers_versions_stores_and_announces_the_group(harness: Harness) -> None:
    created = await harness.register_group("pg-ottawa-1")

    assert created.status_code == 201, created.text
    mbg_id = harness.mbg.url.removeprefix("http://")
    assert created.json() == {
        "id": "pg-ottawa-1",
        "name": "Ottawa 1",
        "mivb": {"url": harness.mivb.url, "version": "10.1.0.0"},
        "micollab": {"url": harness.micollab.url, "version": "9.8.0.0", "rest_api_scripts": True},
        "sites": [
            {"id": "ottawa", "name": "Ottawa", "mbg": {"id": mbg_id, "url": harness.mbg.url, "version": "12.0.0.0"}}
        ],
    }
    announced = await harness.capture.wait_for(PlatformGroupCreated)
    assert (announced.platform_group_id, announced.mivb_version, announced.mbg_ids) == (
        "pg-ottawa-1",
        "10.1.0.0",
        [mbg_id],
    )
    assert (await harness.api.get("/api/v1/platform-groups/pg-ottawa-1")).json() == created.json()
    assert (await harness.api.get("/api/v1/platform-groups")).json() == {"items": [created.json()]}


async def test_replacing_a_group_rediscovers_and_announces_again(harness: Harness) -> None:
    await harness.register_group("pg-1")
    await harness.micollab.control.put("/_sim/version", json={"version": "9.9.0.0", "rest_api_scripts": False})

    replaced = await harness.register_group("pg-1", name="Ottawa One")

    assert replaced.status_code == 200
    assert replaced.json()["name"] == "Ottawa One"
    assert replaced.json()["micollab"] == {"url": harness.micollab.url, "version": "9.9.0.0", "rest_api_scripts": False}
    await wait_until(lambda: len(harness.capture.of(PlatformGroupCreated)) == 2, what="two PlatformGroupCreated")
    assert [e.micollab_version for e in harness.capture.of(PlatformGroupCreated)] == ["9.8.0.0", "9.9.0.0"]


async def test_unreachable_platforms_are_named_and_nothing_is_stored(harness: Harness) -> None:
    await harness.micollab.faults(down=True)
    dead_mbg = closed_port_url()

    refused = await harness.register_group("pg-1", sites=[{"id": "s1", "name": "Site 1", "mbg_url": dead_mbg}])

    assert refused.status_code == 422
    problems = {item["field"]: item["message"] for item in refused.json()["detail"]}
    assert set(problems) == {"micollab_url", "sites.0.mbg_url"}
    assert problems["micollab_url"].startswith(f"MiCollab at {harness.micollab.url} is unreachable: HTTP 503")
    assert problems["sites.0.mbg_url"].startswith(f"MiVoice Border Gateway at {dead_mbg} is unreachable")
    assert (await harness.api.get("/api/v1/platform-groups/pg-1")).status_code == 404


async def test_a_url_of_the_wrong_product_is_refused(harness: Harness) -> None:
    refused = await harness.register_group("pg-1", mivb_url=harness.mbg.url)

    assert refused.status_code == 422
    assert (
        refused.json()["detail"][0]["message"]
        == f"{harness.mbg.url} is a MiVoice Border Gateway, not a MiVoice Business"
    )


async def test_bad_input_unknown_ids_and_missing_token(harness: Harness) -> None:
    no_sites = await harness.api.put(
        "/api/v1/platform-groups/pg-1",
        json={"name": "x", "mivb_url": "http://a", "micollab_url": "http://b", "sites": []},
    )
    assert no_sites.status_code == 422
    assert no_sites.json()["detail"][0]["field"] == "sites"
    assert (await harness.api.get("/api/v1/platform-groups/pg-none")).status_code == 404
    anonymous = await harness.api.get("/api/v1/platform-groups", headers={"Authorization": ""})
    assert anonymous.status_code == 401
