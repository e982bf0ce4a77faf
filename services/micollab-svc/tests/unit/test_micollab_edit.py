"""R22 on MiCollab: what an edit changes there, and which version gates the change must pass."""

from typing import Any

import pytest

from micollab_svc.domain.edit import Item, Step, edit_violations, plan_edit
from mmp_contracts.customer_spec import CustomerSpec
from mmp_contracts.events import MiCollabTarget

pytestmark = pytest.mark.unit


def spec(*bundles: dict[str, Any], name: str = "Acme", devices: tuple[str, ...] = ()) -> CustomerSpec:
    return CustomerSpec.model_validate(
        {
            "details": {"name": name, "webid": "acme", "contact_email": "it@acme.example"},
            "platform": {"platform_group_id": "pg-1", "extension_length": 4, "dialing_privileges": "national"},
            "service_bundles": list(bundles),
            "hotdesk_devices": list(devices),
            "first_user": {"first_name": "Ann", "last_name": "Lee", "email": "ann@acme.example", "username": "alee"},
        }
    )


def bundle(bundle_id: str, quantity: int = 5, **options: bool) -> dict[str, Any]:
    return {"bundle_id": bundle_id, "quantity": quantity, **options}


def target(version: str, mivb: str = "10.1.0.0", rest_api_scripts: bool = True) -> MiCollabTarget:
    return MiCollabTarget(url="http://m", version=version, rest_api_scripts=rest_api_scripts, mivb_version=mivb)


def summary(steps: list[Step]) -> list[tuple[str, str, str]]:
    def verb(step: Step) -> str:
        return "delete" if step.do is None else ("add" if step.undo is None else "change")

    return [(step.item.value, step.key, verb(step)) for step in steps]


def test_an_edit_with_nothing_for_micollab_plans_no_call() -> None:
    before = spec(bundle("entry-ucc"))
    after = before.model_copy(update={"cpn_substitutions": [], "key_templates": ["kt-1"]})

    assert plan_edit(before, after) == []


def test_the_diff_covers_the_name_and_bundles_added_changed_and_removed() -> None:
    before = spec(bundle("standard-ipt", 20), bundle("entry-ucc", 5), bundle("mobile", 2), name="Acme")
    after = spec(
        bundle("standard-ipt", 25),
        bundle("entry-ucc", 5, miteam_meetings=True),
        bundle("premium-ucc", 1),
        name="Acme Ltd",
    )

    steps = plan_edit(before, after)

    assert summary(steps) == [
        ("tenant", "", "change"),
        ("bundle", "standard-ipt", "change"),
        ("bundle", "entry-ucc", "change"),
        ("bundle", "premium-ucc", "add"),
        ("bundle", "mobile", "delete"),
    ]
    tenant, quantity, *_ = steps
    assert (tenant.do, tenant.undo) == ({"name": "Acme Ltd", "webid": "acme"}, {"name": "Acme", "webid": "acme"})
    assert (quantity.do["quantity"], quantity.undo["quantity"]) == (25, 20)


def test_each_step_is_undone_by_its_reverse() -> None:
    added, removed = plan_edit(spec(bundle("mobile")), spec(bundle("entry-ucc")))

    assert added.undone().do is None  # an added bundle is deleted again
    assert removed.undone().do == removed.undo  # a removed one is put back as it was
    assert removed.undone().item is Item.BUNDLE


def test_r16_a_new_bundle_with_miteam_meetings_on_micollab_9_1_is_refused() -> None:
    before = spec(bundle("standard-ipt"))
    after = spec(bundle("standard-ipt"), bundle("entry-ucc", miteam_meetings=True))

    [violation] = edit_violations(before, after, target("9.1.0.0"))
    assert (violation.field, violation.rule) == ("service_bundles[1].miteam_meetings", "R16")


def test_r16_r17_an_option_turned_on_is_gated_one_already_on_is_not() -> None:
    before = spec(bundle("entry-ucc", miteam_meetings=True), bundle("standard-ucc"))
    after = spec(
        bundle("entry-ucc", 9, miteam_meetings=True),  # more of what it has: no new demand
        bundle("standard-ucc", fetch_npm_awv_ports=True),  # turned on: R17
    )

    violations = edit_violations(before, after, target("9.1.0.0"))

    assert [(v.field, v.rule) for v in violations] == [("service_bundles[1].fetch_npm_awv_ports", "R17")]


def test_r18_only_a_new_rest_api_bundle_is_gated() -> None:
    old = target("8.0", mivb="8.0", rest_api_scripts=False)
    before = spec(bundle("mobile"))

    assert edit_violations(before, spec(bundle("mobile", 9)), old) == []
    added = edit_violations(before, spec(bundle("mobile"), bundle("single-line-device")), old)
    assert [(v.field, v.rule) for v in added] == [("service_bundles[1].bundle_id", "R18")]


def test_r19_only_devices_the_edit_adds_are_gated() -> None:
    before = spec(devices=("6930W",))
    after = spec(devices=("6930W", "6920", "5617"))

    violations = edit_violations(before, after, target("9.5", mivb="9.3"))

    assert [(v.field, v.rule) for v in violations] == [("hotdesk_devices[2]", "R19")]
