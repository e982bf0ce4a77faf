import httpx
import pytest

pytestmark = pytest.mark.unit


async def test_tenant_keeps_bundles_and_users_on_update(micollab: httpx.AsyncClient) -> None:
    await micollab.put("/api/tenants/t1", json={"name": "Acme"})
    bundle = await micollab.put("/api/tenants/t1/bundles/b1", json={"name": "Basic"})
    user = await micollab.put("/api/tenants/t1/users/alice", json={"first_name": "Alice"})
    assert bundle.json() == {"name": "Basic", "id": "b1"}
    assert user.json() == {"first_name": "Alice", "username": "alice"}

    updated = await micollab.put("/api/tenants/t1", json={"name": "Acme Ltd"})

    assert updated.json() == {
        "name": "Acme Ltd",
        "id": "t1",
        "bundles": {"b1": {"name": "Basic", "id": "b1"}},
        "users": {"alice": {"first_name": "Alice", "username": "alice"}},
    }
    assert (await micollab.get("/api/tenants")).json() == [updated.json()]
    assert (await micollab.get("/_sim/state")).json()["tenants"] == {"t1": updated.json()}


async def test_children_need_existing_tenant(micollab: httpx.AsyncClient) -> None:
    assert (await micollab.put("/api/tenants/ghost/bundles/b1", json={})).status_code == 404
    assert (await micollab.put("/api/tenants/ghost/users/alice", json={})).status_code == 404


async def test_deletes_are_idempotent(micollab: httpx.AsyncClient) -> None:
    await micollab.put("/api/tenants/t1", json={})
    await micollab.put("/api/tenants/t1/bundles/b1", json={})
    await micollab.put("/api/tenants/t1/users/alice", json={})

    for path in ("/api/tenants/t1/bundles/b1", "/api/tenants/t1/users/alice", "/api/tenants/t1"):
        assert (await micollab.delete(path)).status_code == 204
        assert (await micollab.delete(path)).status_code == 204
    assert (await micollab.get("/api/tenants")).json() == []
