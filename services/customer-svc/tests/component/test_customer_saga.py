import json
from typing import Any

import pytest

from customer_svc.domain.record import Status
from mmp_contracts import CloudEvent, examples, topics
from mmp_contracts import events as ev
from mmp_servicekit.testing import envelope, wait_until

pytestmark = pytest.mark.component


def canonical() -> dict[str, Any]:
    return examples.create_customer()


async def publish(service: Any, message: Any, topic: str) -> None:
    await service.runtime.broker.publish(envelope(message).to_json(), topic, key=message.partition_key().encode())


async def status_of(service: Any, customer_id: str) -> str:
    response = await service.http.get(f"/api/v1/customers/{customer_id}")
    return str(response.json()["status"])


async def test_the_canonical_command_from_kafka_stores_the_customer_and_asks_for_platforms(service: Any) -> None:
    await service.runtime.broker.publish(
        json.dumps(canonical()).encode(), topics.CUSTOMER_COMMANDS, key=b"harbour-dental"
    )

    requested = await service.events.wait_for(ev.CustomerRequested)
    assert requested.spec.details.webid == "harbour-dental"
    found = (await service.http.get("/api/v1/customers", params={"webid": "harbour-dental"})).json()["items"]
    assert [c["status"] for c in found] == ["PROVISIONING"]


async def test_the_same_command_twice_gives_one_customer(service: Any) -> None:
    body = json.dumps(canonical()).encode()
    for _ in range(2):
        await service.runtime.broker.publish(body, topics.CUSTOMER_COMMANDS, key=b"harbour-dental")
    await service.events.wait_for(ev.CustomerRequested)
    await service.runtime.relay.flush()
    found = (await service.http.get("/api/v1/customers", params={"webid": "harbour-dental"})).json()["items"]
    assert len(found) == 1
    assert len(service.events.of(ev.CustomerRequested)) == 1


async def test_the_saga_activates_the_customer_once_micollab_is_done(service: Any) -> None:
    response = await service.http.post("/api/v1/customers", json=canonical()["data"])
    assert response.status_code == 202
    customer_id, task_id = response.json()["customer_id"], response.json()["task_id"]
    requested = await service.events.wait_for(ev.CustomerRequested)

    micollab_target = ev.MiCollabTarget(url="http://m", version="9.8.0.0", rest_api_scripts=True, mivb_version="10.1")
    await publish(
        service,
        ev.PlatformAssigned(
            customer_id=customer_id, platform_group_id="pg-ottawa-1", spec=requested.spec, micollab=micollab_target
        ),
        topics.PLATFORM_EVENTS,
    )
    provisioned = ev.MiCollabTenantProvisioned(customer_id=customer_id, bundles=["standard-ipt", "entry-ucc"])
    await publish(service, provisioned, topics.MICOLLAB_EVENTS)
    await publish(service, provisioned, topics.MICOLLAB_EVENTS)  # a late duplicate changes nothing

    activated = await service.events.wait_for(ev.CustomerActivated)
    assert activated.portal_url.endswith("/harbour-dental")
    assert activated.first_user.email == "amira.haddad@harbourdental.example"
    task = (await service.http.get(f"/api/v1/tasks/{task_id}")).json()
    assert task["status"] == "COMPLETED"
    assert task["customer_status"] == "ACTIVE"
    await service.runtime.relay.flush()
    assert len(service.events.of(ev.CustomerActivated)) == 1


async def test_a_micollab_failure_waits_for_the_platform_undo_then_fails(service: Any) -> None:
    customer_id = (await service.http.post("/api/v1/customers", json=canonical()["data"])).json()["customer_id"]
    await publish(
        service, ev.MiCollabProvisioningFailed(customer_id=customer_id, reason="MiCollab down"), topics.MICOLLAB_EVENTS
    )
    assert await status_of(service, customer_id) == Status.ROLLING_BACK

    await publish(service, ev.PlatformReleased(customer_id=customer_id), topics.PLATFORM_EVENTS)
    failed = await service.events.wait_for(ev.CustomerFailed)
    assert failed.reason == "MiCollab down"
    assert await status_of(service, customer_id) == Status.FAILED
    again = await service.http.post("/api/v1/customers", json=canonical()["data"])
    assert again.status_code == 202, "a FAILED customer frees its WebID"


async def test_a_failed_undo_is_rollback_failed_and_can_be_retried(service: Any) -> None:
    customer_id = (await service.http.post("/api/v1/customers", json=canonical()["data"])).json()["customer_id"]
    await publish(
        service, ev.MiCollabProvisioningFailed(customer_id=customer_id, reason="bundle refused"), topics.MICOLLAB_EVENTS
    )
    await publish(
        service,
        ev.PlatformReleaseFailed(customer_id=customer_id, reason="MiVB unreachable", residue=["MiVB tenant x"]),
        topics.PLATFORM_EVENTS,
    )
    rollback_failed = await service.events.wait_for(ev.CustomerRollbackFailed)
    assert rollback_failed.residue == ["MiVB tenant x"]

    retry = await service.http.post(f"/api/v1/customers/{customer_id}/rollback")
    assert retry.status_code == 202
    await service.events.wait_for(ev.RollbackRetryRequested)
    await publish(service, ev.PlatformReleased(customer_id=customer_id), topics.PLATFORM_EVENTS)
    await publish(service, ev.MiCollabTenantRemoved(customer_id=customer_id), topics.MICOLLAB_EVENTS)
    await service.events.wait_for(ev.CustomerFailed)
    retry_task = (await service.http.get(f"/api/v1/tasks/{retry.json()['task_id']}")).json()
    assert retry_task["status"] == "COMPLETED"
    assert (await service.http.get(f"/api/v1/customers/{customer_id}")).json()["residue"] == []


async def test_bad_input_is_refused_with_field_and_rule(service: Any) -> None:
    body = canonical()["data"]
    body["details"]["webid"] = "9-bad"
    body["platform"]["extension_length"] = 7
    body["service_bundles"].append({"bundle_id": "dual-phone", "quantity": 1})
    body["first_user"]["username"] = "amy"
    response = await service.http.post("/api/v1/customers", json=body)
    assert response.status_code == 422
    rules = {(v["field"], v["rule"]) for v in response.json()["detail"]}
    assert {("details.webid", "R6"), ("service_bundles[2].bundle_id", "R7"), ("first_user.username", "R10")} <= rules


async def test_a_taken_webid_is_a_conflict(service: Any) -> None:
    assert (await service.http.post("/api/v1/customers", json=canonical()["data"])).status_code == 202
    second = await service.http.post("/api/v1/customers", json=canonical()["data"])
    assert second.status_code == 409
    assert second.json()["detail"][0]["rule"] == "R6"


async def test_a_rejected_kafka_command_is_announced(service: Any) -> None:
    command = canonical()
    command["data"]["service_bundles"][0]["bundle_id"] = "no-such-bundle"
    await service.runtime.broker.publish(json.dumps(command).encode(), topics.CUSTOMER_COMMANDS, key=b"harbour-dental")
    rejected = await service.events.wait_for(ev.CustomerRejected)
    assert [(v.field, v.rule) for v in rejected.violations] == [("service_bundles[0].bundle_id", "R1")]
    assert isinstance(CloudEvent.model_validate_json(service.events.events[0].to_json()).data, ev.CustomerRejected)


async def test_r1_a_group_platform_svc_never_announced_is_refused_at_intake(service: Any) -> None:
    body = canonical()["data"]
    body["platform"]["platform_group_id"] = "pg-nowhere"
    response = await service.http.post("/api/v1/customers", json=body)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "field": "platform.platform_group_id",
            "rule": "R1",
            "message": "platform group 'pg-nowhere' is not registered",
        }
    ]
    known = (await service.http.get("/api/v1/catalogue/platform-groups")).json()
    assert known == [{"platform_group_id": "pg-ottawa-1", "name": "Ottawa 1"}]


async def test_a_deleted_group_takes_no_more_customers(service: Any) -> None:
    deleted = ev.PlatformGroupDeleted(platform_group_id="pg-ottawa-1")
    await service.runtime.broker.publish(envelope(deleted).to_json(), topics.PLATFORM_EVENTS, key=b"pg-ottawa-1")
    response = await service.http.post("/api/v1/customers", json=canonical()["data"])
    assert response.status_code == 422
    assert response.json()["detail"][0]["rule"] == "R1"


async def test_a_command_is_its_source_and_id_two_bsss_reusing_an_id_make_two_customers(service: Any) -> None:
    for source, webid, first in (
        ("bss-east", "east-dental", "6135930000"),
        ("bss-west", "west-dental", "6135940000"),
        ("bss-west", "west-dental", "6135940000"),
    ):
        command = canonical()
        command["id"], command["source"] = "order-1", source
        command["data"]["details"]["webid"] = webid
        command["data"]["did_ranges"] = [{"start": first, "end": str(int(first) + 9)}]
        await service.runtime.broker.publish(json.dumps(command).encode(), topics.CUSTOMER_COMMANDS, key=webid.encode())

    await wait_until(lambda: len(service.events.of(ev.CustomerRequested)) == 2, what="two customers requested")
    await service.runtime.relay.flush()
    assert len(service.events.of(ev.CustomerRequested)) == 2, "the same source and id is one command"
    customers = (await service.http.get("/api/v1/customers")).json()["items"]
    assert sorted((c["webid"], c["status"]) for c in customers) == [
        ("east-dental", "PROVISIONING"),
        ("west-dental", "PROVISIONING"),
    ]
