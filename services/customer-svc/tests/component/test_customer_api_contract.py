"""The HTTP contract of customer-svc: PATCH as JSON Merge Patch (RFC 7396), the one error model, size limits,
`Location` on every 202, and an OpenAPI that documents what is answered."""

from typing import Any

import pytest

from mmp_contracts import events as ev
from mmp_contracts import examples, topics
from mmp_servicekit.testing import envelope, wait_until

pytestmark = pytest.mark.component
MERGE_PATCH = {"Content-Type": "application/merge-patch+json"}


async def publish(service: Any, message: Any, topic: str) -> None:
    await service.runtime.broker.publish(envelope(message).to_json(), topic, key=message.partition_key().encode())


async def created(service: Any) -> str:
    response = await service.http.post("/api/v1/customers", json=examples.create_customer()["data"])
    assert response.status_code == 202, response.text
    assert response.headers["Location"] == f"/api/v1/tasks/{response.json()['task_id']}"
    return str(response.json()["customer_id"])


async def active(service: Any) -> str:
    customer_id = await created(service)
    await publish(service, ev.MiCollabTenantProvisioned(customer_id=customer_id, bundles=[]), topics.MICOLLAB_EVENTS)
    await service.events.wait_for(ev.CustomerActivated)
    return customer_id


async def spec_of(service: Any, customer_id: str) -> dict[str, Any]:
    return dict((await service.http.get(f"/api/v1/customers/{customer_id}")).json()["spec"])


@pytest.mark.parametrize("headers", [MERGE_PATCH, {"Content-Type": "application/json"}])
async def test_a_merge_patch_changes_only_what_it_names(service: Any, headers: dict[str, str]) -> None:
    customer_id = await active(service)
    before = await spec_of(service, customer_id)

    response = await service.http.patch(
        f"/api/v1/customers/{customer_id}", content=b'{"details": {"name": "Renamed"}}', headers=headers
    )

    assert response.status_code == 202, response.text
    assert response.headers["Location"] == f"/api/v1/tasks/{response.json()['task_id']}"
    requested = await service.events.wait_for(ev.CustomerUpdateRequested)
    after = requested.after.model_dump(mode="json")
    assert after["details"] == {**before["details"], "name": "Renamed"}
    assert {k: v for k, v in after.items() if k != "details"} == {k: v for k, v in before.items() if k != "details"}


async def test_null_removes_an_optional_member_or_resets_it_to_its_default(service: Any) -> None:
    customer_id = await active(service)
    patch = {"key_template_id": None, "time_zone": {"zone": None}, "details": {"branding": None}}
    await service.http.patch(f"/api/v1/customers/{customer_id}", json={"details": {"branding": "blue"}})
    first = await service.events.wait_for(ev.CustomerUpdateRequested)
    await publish(service, ev.MiCollabUpdated(customer_id=customer_id, task_id=first.task_id), topics.MICOLLAB_EVENTS)
    await service.events.wait_for(ev.CustomerUpdated)
    assert (await spec_of(service, customer_id))["details"]["branding"] == "blue"

    response = await service.http.patch(f"/api/v1/customers/{customer_id}", json=patch, headers=MERGE_PATCH)

    assert response.status_code == 202, response.text
    task_id = response.json()["task_id"]
    second = await wait_until(
        lambda: [e for e in service.events.of(ev.CustomerUpdateRequested) if e.task_id == task_id], what="the edit"
    )
    after = second[0].after
    assert after.platform.key_template_id is None
    assert (after.time_zone.zone, after.time_zone.managed_by) == (None, "MBG")
    assert after.details.branding == "default"


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"details": None}, "details"),
        ({"time_zone": None}, "time_zone"),
        ({"service_bundles": None}, "service_bundles"),
        ({"confirm_billing_changes": None}, "confirm_billing_changes"),
        ({"details": {"name": None}}, "details.name"),
        ({"details": {"webid": "another-one"}}, "details.webid"),
        ({"service_bundles": [{"bundle_id": "standard-ipt", "quantity": None}]}, "service_bundles[0].quantity"),
        ({"hotdesk_devices": ["6930"] * 101}, "hotdesk_devices"),
        ({"emergency": {"did_as_cesid": 0}}, "emergency.did_as_cesid"),
        ({"platform": {"extension_length": 5}}, "platform"),
    ],
)
async def test_a_patch_that_breaks_the_schema_is_422_naming_the_field(
    service: Any, patch: dict[str, Any], field: str
) -> None:
    customer_id = await active(service)

    response = await service.http.patch(f"/api/v1/customers/{customer_id}", json=patch, headers=MERGE_PATCH)

    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["field"] == field
    assert response.json()["detail"][0]["rule"]
    assert [t["kind"] for t in (await service.http.get(f"/api/v1/customers/{customer_id}/tasks")).json()["items"]] == [
        "create"
    ], "nothing was asked for"


async def test_a_patch_breaking_a_rule_is_422_with_the_rule(service: Any) -> None:
    customer_id = await active(service)
    patch = {"cpn_substitutions": [{"dids": "4000-40", "cpn": "613592xxxx"}]}
    response = await service.http.patch(f"/api/v1/customers/{customer_id}", json=patch)
    assert response.status_code == 422
    assert response.json()["detail"][0]["rule"] == "R13"


@pytest.mark.parametrize(
    "patch", [{"details": None}, {"time_zone": None}, {"service_bundles": None}, {"confirm_billing_changes": None}]
)
async def test_a_null_on_a_required_member_of_a_busy_customer_is_refused_before_it_is_queued(
    service: Any, patch: dict[str, Any]
) -> None:
    customer_id = await created(service)  # its create is still running: an edit would wait for it (R25)

    response = await service.http.patch(f"/api/v1/customers/{customer_id}", json=patch, headers=MERGE_PATCH)

    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["field"] == next(iter(patch))
    tasks = (await service.http.get(f"/api/v1/customers/{customer_id}/tasks")).json()["items"]
    assert [t["kind"] for t in tasks] == ["create"], "nothing queued"
    await publish(service, ev.MiCollabTenantProvisioned(customer_id=customer_id, bundles=[]), topics.MICOLLAB_EVENTS)
    await service.events.wait_for(ev.CustomerActivated)
    assert service.events.of(ev.CustomerUpdateRequested) == []
    record = (await service.http.get(f"/api/v1/customers/{customer_id}")).json()
    assert record["status"] == "ACTIVE"
    assert [t["status"] for t in record["tasks"]] == ["COMPLETED"]


async def test_a_valid_edit_of_a_busy_customer_waits_then_runs(service: Any) -> None:
    customer_id = await created(service)
    response = await service.http.patch(f"/api/v1/customers/{customer_id}", json={"details": {"name": "Renamed"}})
    assert response.status_code == 202
    assert response.json()["waiting_for"] is not None
    await publish(service, ev.MiCollabTenantProvisioned(customer_id=customer_id, bundles=[]), topics.MICOLLAB_EVENTS)
    requested = await service.events.wait_for(ev.CustomerUpdateRequested)
    assert requested.after.details.name == "Renamed"


async def test_a_body_over_256_kib_is_413_and_a_list_too_long_is_422_naming_it(service: Any) -> None:
    body = examples.create_customer()["data"]
    body["hotdesk_devices"] = ["6930"] * 120_000  # about 800 KB
    too_large = await service.http.post("/api/v1/customers", json=body)
    assert too_large.status_code == 413
    assert too_large.json()["detail"][0] == {
        "field": "body",
        "rule": "size",
        "message": "the request body is larger than 262144 bytes",
    }

    body["hotdesk_devices"] = ["6930"] * 101
    too_long = await service.http.post("/api/v1/customers", json=body)
    assert too_long.status_code == 422
    assert too_long.json()["detail"][0]["field"] == "hotdesk_devices"
    assert too_long.json()["detail"][0]["rule"] == "schema:too_long"


async def test_the_whole_cloudevent_and_its_data_alone_are_both_taken(service: Any) -> None:
    event = examples.create_customer()
    response = await service.http.post("/api/v1/customers", json=event)
    assert response.status_code == 202, response.text
    assert response.json()["task_id"] == event["id"]
    event["data"]["details"]["webid"] = "9-bad"
    refused = await service.http.post("/api/v1/customers", json={**event, "id": "another"})
    assert refused.status_code == 422
    assert (refused.json()["detail"][0]["field"], refused.json()["detail"][0]["rule"]) == ("details.webid", "R6")
    assert refused.json()["task_id"] == "another"
    wrong_type = await service.http.post("/api/v1/customers", json={**event, "type": "DeleteCustomer"})
    assert (wrong_type.status_code, wrong_type.json()["detail"][0]["field"]) == (422, "type")


async def test_every_error_has_the_one_shape_and_the_openapi_says_so(service: Any) -> None:
    unknown = await service.http.get("/api/v1/customers/nobody")
    not_allowed = await service.http.put("/api/v1/customers")
    bad_query = await service.http.get("/api/v1/customers?limit=0")
    for response, status in ((unknown, 404), (not_allowed, 405), (bad_query, 422)):
        assert response.status_code == status
        assert set(response.json()) == {"detail"}
        assert {"field", "rule", "message"} <= set(response.json()["detail"][0])
    assert set(not_allowed.headers["Allow"].split(", ")) == {"GET", "POST"}

    document = (await service.http.get("/openapi.json")).json()
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                if status.startswith("2") and status != "204":
                    assert "$ref" in str(answer["content"]["application/json"]["schema"]), (method, path, status)
                if status.startswith("4"):
                    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ApiError"}
                if status == "202":
                    assert answer["headers"]["Location"]["required"] is True
            assert "401" in operation["responses"], (method, path)
            if operation.get("parameters") or "requestBody" in operation:
                assert "422" in operation["responses"], (method, path)
            if "requestBody" in operation:
                assert "413" in operation["responses"], (method, path)
    create = document["paths"]["/api/v1/customers"]["post"]
    assert set(create["requestBody"]["content"]["application/json"]["examples"]) == {"data", "event"}
    patch = document["paths"]["/api/v1/customers/{customer_id}"]["patch"]["requestBody"]["content"]
    assert set(patch) == {"application/merge-patch+json", "application/json"}
