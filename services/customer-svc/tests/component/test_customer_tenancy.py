"""A customer-admin token reaches only its own customer (404 for every other); an SP admin reaches all."""

from typing import Any

import pytest

from customer_svc.bootstrap import CustomerSettings
from mmp_contracts import examples
from mmp_servicekit.tenancy import mint_customer_token

pytestmark = pytest.mark.component

SECRET = CustomerSettings().token_secret.get_secret_value()


async def two_customers(service: Any) -> tuple[str, str]:
    ids = []
    for webid, first in (("harbour-dental", "6135924000"), ("other-dental", "6135926000")):
        body = examples.create_customer()["data"]
        body["details"]["webid"] = webid
        body["did_ranges"] = [{"start": first, "end": str(int(first) + 9)}]
        ids.append((await service.http.post("/api/v1/customers", json=body)).json()["customer_id"])
    return ids[0], ids[1]


async def test_a_customer_admin_sees_its_own_customer_and_nothing_else(service: Any) -> None:
    mine, theirs = await two_customers(service)
    headers = {"Authorization": f"Bearer {mint_customer_token(SECRET, mine)}"}
    assert (await service.http.get(f"/api/v1/customers/{mine}", headers=headers)).status_code == 200
    for path in (
        f"/api/v1/customers/{theirs}",
        f"/api/v1/customers/{theirs}/tasks",
        f"/api/v1/customers/{theirs}/did-ranges",
    ):
        assert (await service.http.get(path, headers=headers)).status_code == 404, path
    listed = (await service.http.get("/api/v1/customers", headers=headers)).json()["items"]
    assert [c["customer_id"] for c in listed] == [mine]
    their_task = (await service.http.get(f"/api/v1/customers/{theirs}/tasks")).json()["items"][0]["task_id"]
    assert (await service.http.get(f"/api/v1/tasks/{their_task}", headers=headers)).status_code == 404
    patch = await service.http.patch(f"/api/v1/customers/{theirs}", json={"hotdesk_devices": []}, headers=headers)
    assert patch.status_code == 404


async def test_sp_only_operations_need_an_sp_admin(service: Any) -> None:
    mine, _ = await two_customers(service)
    headers = {"Authorization": f"Bearer {mint_customer_token(SECRET, mine)}"}
    body = examples.create_customer()["data"]
    assert (await service.http.post("/api/v1/customers", json=body, headers=headers)).status_code == 403
    assert (await service.http.delete(f"/api/v1/customers/{mine}", headers=headers)).status_code == 403


async def test_a_forged_or_expired_token_is_refused(service: Any) -> None:
    mine, _ = await two_customers(service)
    forged = mint_customer_token("another-secret", mine)
    expired = mint_customer_token(SECRET, mine, ttl_seconds=-1)
    for token in (forged, expired, "cat.x.y.z"):
        response = await service.http.get(f"/api/v1/customers/{mine}", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
