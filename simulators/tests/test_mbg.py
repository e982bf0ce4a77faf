import httpx
import pytest

pytestmark = pytest.mark.unit


async def test_customer_lifecycle_keeps_sip_users(mbg: httpx.AsyncClient) -> None:
    created = await mbg.put("/api/customers/c1", json={"name": "Acme"})
    assert created.json() == {"name": "Acme", "id": "c1", "sip_users": {}}
    await mbg.put("/api/customers/c1/sip-users/alice", json={"extension": "2001"})

    updated = await mbg.put("/api/customers/c1", json={"name": "Acme Ltd"})

    assert updated.json()["sip_users"] == {"alice": {"extension": "2001", "username": "alice"}}
    assert (await mbg.get("/api/customers")).json() == [updated.json()]
    assert (await mbg.get("/_sim/state")).json()["customers"] == {"c1": updated.json()}


async def test_sip_user_needs_existing_customer(mbg: httpx.AsyncClient) -> None:
    assert (await mbg.put("/api/customers/ghost/sip-users/alice", json={})).status_code == 404


async def test_sip_username_is_unique_across_customers(mbg: httpx.AsyncClient) -> None:
    await mbg.put("/api/customers/c1", json={})
    await mbg.put("/api/customers/c2", json={})
    await mbg.put("/api/customers/c1/sip-users/alice", json={})

    clash = await mbg.put("/api/customers/c2/sip-users/alice", json={})

    assert clash.status_code == 409
    assert clash.json() == {"detail": "SIP username alice already used by customer c1"}
    assert (await mbg.put("/api/customers/c1/sip-users/alice", json={"x": 1})).status_code == 200


async def test_deleting_customer_releases_its_sip_users(mbg: httpx.AsyncClient) -> None:
    await mbg.put("/api/customers/c1", json={})
    await mbg.put("/api/customers/c2", json={})
    await mbg.put("/api/customers/c1/sip-users/alice", json={})

    assert (await mbg.delete("/api/customers/c1")).status_code == 204
    assert (await mbg.delete("/api/customers/c1")).status_code == 204
    assert (await mbg.put("/api/customers/c2/sip-users/alice", json={})).status_code == 200


async def test_delete_sip_user_is_idempotent(mbg: httpx.AsyncClient) -> None:
    await mbg.put("/api/customers/c1", json={})
    await mbg.put("/api/customers/c1/sip-users/alice", json={})

    assert (await mbg.delete("/api/customers/c1/sip-users/alice")).status_code == 204
    assert (await mbg.delete("/api/customers/c1/sip-users/alice")).status_code == 204
    assert (await mbg.get("/api/customers")).json()[0]["sip_users"] == {}


async def test_body_must_be_an_object(mbg: httpx.AsyncClient) -> None:
    assert (await mbg.put("/api/customers/c1", json=["not", "an", "object"])).status_code == 422
