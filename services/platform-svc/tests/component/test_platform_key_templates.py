"""The SP's key templates over HTTP, and the customer's copy of them (R15) on the real MiVB simulator."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from mmp_contracts.events import PlatformAssigned, PlatformAssignmentFailed

if TYPE_CHECKING:
    from conftest import Harness  # the fixture's type; pytest loads conftest itself

pytestmark = pytest.mark.component

STANDARD = "kt-standard-6930"
URL = "/api/v1/key-templates"
RECEPTION = {
    "name": "Reception",
    "phone_model": "6940",
    "keys": [{"position": 1, "function": "line", "label": "Main"}, {"position": 2, "function": "park", "label": ""}],
}


async def keys_of(harness: Harness, template_id: str) -> list[dict[str, Any]]:
    keys: list[dict[str, Any]] = (await harness.api.get(f"{URL}/{template_id}")).json()["keys"]
    return keys


async def test_key_templates_are_written_read_and_listed(harness: Harness) -> None:
    created = await harness.api.put(f"{URL}/kt-reception", json=RECEPTION)
    replaced = await harness.api.put(f"{URL}/kt-reception", json={**RECEPTION, "name": "Front desk"})

    assert created.status_code == 201
    assert created.json() == {"id": "kt-reception", **RECEPTION}
    assert (replaced.status_code, replaced.json()["name"]) == (200, "Front desk")
    assert (await harness.api.get(f"{URL}/kt-reception")).json() == replaced.json()
    listed = (await harness.api.get(URL)).json()["items"]
    assert [template["id"] for template in listed] == ["kt-reception", STANDARD]  # the seeded one too
    assert (listed[1]["phone_model"], len(listed[1]["keys"])) == ("6930", 6)
    assert (await harness.api.get(f"{URL}/kt-none")).status_code == 404
    assert (await harness.api.get(URL, headers={"Authorization": "Bearer wrong"})).status_code == 401


async def test_duplicate_positions_or_an_empty_name_are_refused_naming_the_field(harness: Harness) -> None:
    twice = [{"position": 3, "function": "line", "label": "A"}, {"position": 3, "function": "dnd", "label": "B"}]

    duplicate = await harness.api.put(f"{URL}/kt-bad", json={**RECEPTION, "keys": twice})
    nameless = await harness.api.put(f"{URL}/kt-bad", json={**RECEPTION, "name": ""})
    position_zero = await harness.api.put(f"{URL}/kt-bad", json={**RECEPTION, "keys": [{**twice[0], "position": 0}]})

    assert duplicate.status_code == 422
    assert duplicate.json()["detail"] == [
        {"field": "keys[1].position", "rule": "key-template", "message": "position 3 is used already by keys[0]"}
    ]
    assert (nameless.status_code, [d["field"] for d in nameless.json()["detail"]]) == (422, ["name"])
    assert (position_zero.status_code, position_zero.json()["detail"][0]["field"]) == (422, "keys[0].position")
    assert (await harness.api.get(f"{URL}/kt-bad")).status_code == 404


async def test_the_standard_template_is_seeded_at_start_and_an_edit_survives_a_restart(harness: Harness) -> None:
    await harness.runtime.collection("key_templates").delete(STANDARD)
    await harness.start_jobs()  # every on_start hook, the seeding among them
    assert (await harness.api.get(f"{URL}/{STANDARD}")).status_code == 200

    await harness.api.put(f"{URL}/{STANDARD}", json={**RECEPTION, "phone_model": "6930"})
    await harness.start_jobs()  # a restart seeds again, but only what is absent

    assert (await harness.api.get(f"{URL}/{STANDARD}")).json()["name"] == "Reception"


async def test_r15_a_customer_keeps_its_copy_when_the_sp_edits_the_template(registered: Harness) -> None:
    harness = registered
    old_keys = await keys_of(harness, STANDARD)
    first, second = harness.new_customer(), harness.new_customer()
    await harness.request(first)
    await harness.event(PlatformAssigned, first)

    new_keys = [{"position": 1, "function": "line", "label": "Only line"}]
    edited = await harness.api.put(
        f"{URL}/{STANDARD}", json={"name": "Slim 6930", "phone_model": "6930", "keys": new_keys}
    )
    assert edited.status_code == 200
    await harness.request(second, username="bsmith", dids=("6135925000", "6135925009"))
    await harness.event(PlatformAssigned, second)

    tenants = (await harness.mivb.state())["tenants"]
    first_doc, second_doc = await harness.assignment(first), await harness.assignment(second)
    assert [(c["id"], c["keys"]) for c in tenants[first]["key_templates"]] == [(STANDARD, old_keys)]
    assert [(c["id"], c["keys"]) for c in first_doc["key_templates"]] == [(STANDARD, old_keys)]
    assert tenants[second]["key_templates"] == [
        {"id": STANDARD, "name": "Slim 6930", "phone_model": "6930", "keys": new_keys}
    ]
    assert second_doc["key_templates"] == tenants[second]["key_templates"]


async def test_r15_an_unknown_key_template_fails_and_leaves_nothing(registered: Harness) -> None:
    customer = registered.new_customer()

    await registered.request(customer, key_templates=[STANDARD, "kt-gone"], platform={"key_template_id": "kt-nope"})

    failed = await registered.event(PlatformAssignmentFailed, customer)
    assert [(v.field, v.rule) for v in failed.violations] == [
        ("key_templates[1]", "R15"),
        ("platform.key_template_id", "R15"),
    ]
    assert failed.reason == "R15: key template 'kt-gone' does not exist; R15: key template 'kt-nope' does not exist"
    assert (await registered.assignment(customer))["state"] == "FAILED"
    assert (await registered.mivb.state())["tenants"] == {}
    assert (await registered.mbg.state())["customers"] == {}
    assert await registered.sip_claims() == {}


async def test_r14_a_cesid_over_10_digits_needs_mivb_6(registered: Harness) -> None:
    harness = registered
    emergency = {"locations": [{"name": "Main", "cesid": "6135924000"}, {"name": "Annex", "cesid": "61359240001"}]}
    old, new = harness.new_customer(), harness.new_customer()

    await harness.mivb.control.put("/_sim/version", json={"version": "5.1.0.0"})
    await harness.request(old, emergency=emergency)
    failed = await harness.event(PlatformAssignmentFailed, old)
    await harness.mivb.control.put("/_sim/version", json={"version": "6.0.0.0"})
    await harness.request(new, emergency=emergency)
    await harness.event(PlatformAssigned, new)

    assert [(v.field, v.rule) for v in failed.violations] == [("emergency.locations[1].cesid", "R14")]
    assert "MiVB 5.1.0.0" in failed.reason
    tenants = (await harness.mivb.state())["tenants"]
    assert list(tenants) == [new]
    assert tenants[new]["emergency"]["locations"][1]["cesid"] == "61359240001"
    assert list((await harness.sip_claims()).values()) == [new]  # the refused one released nothing it held
