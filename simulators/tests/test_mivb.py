import httpx
import pytest

pytestmark = pytest.mark.unit

VOICEMAIL = {"number": "6000", "name": "Voicemail", "type": "voicemail"}


async def _dids(client: httpx.AsyncClient, tenant_id: str) -> list[list[str]]:
    dids: list[list[str]] = (await client.get(f"/api/tenants/{tenant_id}")).json()["dids"]
    return dids


async def test_hunt_groups_are_seeded_and_editable(mivb: httpx.AsyncClient) -> None:
    assert (await mivb.get("/api/hunt-groups")).json() == [VOICEMAIL]

    put = await mivb.put("/api/hunt-groups/6100", json={"name": "Sales", "type": "circular"})
    assert put.json() == {"number": "6100", "name": "Sales", "type": "circular"}
    again = await mivb.put("/api/hunt-groups/6100", json={"name": "Sales", "type": "circular"})
    assert again.json() == put.json()

    deleted = await mivb.delete("/api/hunt-groups/6100")
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert (await mivb.delete("/api/hunt-groups/6100")).status_code == 204
    assert (await mivb.get("/api/hunt-groups")).json() == [VOICEMAIL]


async def test_tenant_lifecycle(mivb: httpx.AsyncClient) -> None:
    assert (await mivb.get("/api/tenants/t1")).status_code == 404

    put = await mivb.put("/api/tenants/t1", json={"name": "Acme"})
    assert (put.status_code, put.json()) == (200, {"name": "Acme", "id": "t1", "dids": []})
    await mivb.put("/api/tenants/t1/dids/5550100-5550199")
    updated = await mivb.put("/api/tenants/t1", json={"name": "Acme Ltd"})
    assert updated.json() == {"name": "Acme Ltd", "id": "t1", "dids": [["5550100", "5550199"]]}
    assert (await mivb.get("/api/tenants")).json() == [updated.json()]

    assert (await mivb.delete("/api/tenants/t1")).status_code == 204
    assert (await mivb.delete("/api/tenants/t1")).status_code == 204
    assert (await mivb.get("/api/tenants")).json() == []


async def test_did_range_needs_existing_tenant(mivb: httpx.AsyncClient) -> None:
    assert (await mivb.put("/api/tenants/ghost/dids/100-199")).status_code == 404


@pytest.mark.parametrize("bad_range", ["100-99", "0100-200", "abc-def", "100", "100-1-5", "1²-12"])
async def test_invalid_did_ranges_are_rejected(mivb: httpx.AsyncClient, bad_range: str) -> None:
    await mivb.put("/api/tenants/t1", json={})
    assert (await mivb.put(f"/api/tenants/t1/dids/{bad_range}")).status_code == 422


async def test_same_range_twice_is_recorded_once(mivb: httpx.AsyncClient) -> None:
    await mivb.put("/api/tenants/t1", json={})
    await mivb.put("/api/tenants/t1/dids/100-199")
    again = await mivb.put("/api/tenants/t1/dids/100-199")
    assert (again.status_code, again.json()["dids"]) == (200, [["100", "199"]])


async def test_overlap_with_another_tenant_conflicts(mivb: httpx.AsyncClient) -> None:
    await mivb.put("/api/tenants/t1", json={})
    await mivb.put("/api/tenants/t2", json={})
    await mivb.put("/api/tenants/t1/dids/0100-0199")

    clash = await mivb.put("/api/tenants/t2/dids/0150-0250")
    assert (clash.status_code, clash.json()) == (409, {"detail": "DID 0150 is held by tenant t1"})
    assert (await mivb.put("/api/tenants/t2/dids/0200-0250")).status_code == 200
    assert (await mivb.put("/api/tenants/t2/dids/100-199")).status_code == 200  # other width, other numbers
    assert (await mivb.put("/api/tenants/t1/dids/0150-0160")).status_code == 200  # own numbers are fine


async def test_deleting_tenant_frees_its_dids(mivb: httpx.AsyncClient) -> None:
    await mivb.put("/api/tenants/t1", json={})
    await mivb.put("/api/tenants/t2", json={})
    await mivb.put("/api/tenants/t1/dids/100-199")
    await mivb.delete("/api/tenants/t1")
    assert (await mivb.put("/api/tenants/t2/dids/100-199")).status_code == 200


async def test_deleting_dids_splits_ranges(mivb: httpx.AsyncClient) -> None:
    await mivb.put("/api/tenants/t1", json={})
    await mivb.put("/api/tenants/t1/dids/0100-0199")
    await mivb.put("/api/tenants/t1/dids/0300-0309")

    assert (await mivb.delete("/api/tenants/t1/dids/0150-0159")).status_code == 204
    assert await _dids(mivb, "t1") == [["0100", "0149"], ["0160", "0199"], ["0300", "0309"]]

    await mivb.delete("/api/tenants/t1/dids/0100-0100")
    await mivb.delete("/api/tenants/t1/dids/0195-0400")
    assert await _dids(mivb, "t1") == [["0101", "0149"], ["0160", "0194"]]


async def test_deleting_unheld_dids_is_a_no_op(mivb: httpx.AsyncClient) -> None:
    await mivb.put("/api/tenants/t1", json={})
    assert (await mivb.delete("/api/tenants/t1/dids/100-199")).status_code == 204
    assert (await mivb.delete("/api/tenants/ghost/dids/100-199")).status_code == 204
    assert (await mivb.delete("/api/tenants/t1/dids/199-100")).status_code == 422


async def test_state_shows_tenants_and_hunt_groups(mivb: httpx.AsyncClient) -> None:
    await mivb.put("/api/tenants/t1", json={"name": "Acme"})
    await mivb.put("/api/tenants/t1/dids/100-109")
    state = (await mivb.get("/_sim/state")).json()
    assert state["tenants"] == {"t1": {"name": "Acme", "id": "t1", "dids": [["100", "109"]]}}
    assert state["hunt_groups"] == {"6000": VOICEMAIL}
