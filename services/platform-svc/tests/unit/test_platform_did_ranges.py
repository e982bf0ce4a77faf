import pytest

from mmp_contracts.customer_spec import CustomerSpec, DidRange
from platform_svc.management.domain.refusals import Refusal
from platform_svc.provisioning.domain.assignment import Assignment, State
from platform_svc.provisioning.domain.steps import Step, StepKind, with_range, without_range
from platform_svc.provisioning.domain.tenant import MivbTenant

pytestmark = pytest.mark.unit

SPEC = CustomerSpec.model_validate(
    {
        "details": {"name": "Harbour Dental", "webid": "harbour-dental", "contact_email": "it@hd.example"},
        "platform": {"platform_group_id": "pg-1", "extension_length": 4, "dialing_privileges": "national"},
        "first_user": {"first_name": "A", "last_name": "H", "email": "a@hd.example", "username": "ahaddad"},
    }
)
TENANT_BODY = MivbTenant.of(SPEC, apply_time_zone=False, key_templates=[])

MIVB, OTHER = "http://mivb", "http://mivb-2"
TENANT = Step(StepKind.MIVB_TENANT, MIVB, "c1")
CLAIM = Step(StepKind.SIP_CLAIM, "mbg-1", "ahaddad")


def dids(target: str, url: str = MIVB) -> Step:
    return Step(StepKind.MIVB_DIDS, url, target)


def left_of(held: str, removed: str) -> list[str]:
    """What is held of `held` once `removed` is taken out (R12), as the MiVB splits it."""
    return [step.target for step in without_range([dids(held)], MIVB, DidRange.parse(removed))]


def test_r12_removing_the_middle_of_a_range_splits_it() -> None:
    assert left_of("6135924000-6135924019", "6135924005-6135924009") == [
        "6135924000-6135924004",
        "6135924010-6135924019",
    ]


def test_r12_removing_an_end_or_all_of_a_range() -> None:
    assert left_of("0100-0199", "0100-0149") == ["0150-0199"]  # leading zeros stay
    assert left_of("0100-0199", "0150-0250") == ["0100-0149"]
    assert left_of("0100-0199", "0000-0999") == []


def test_r12_numbers_of_other_widths_or_outside_are_untouched() -> None:
    assert left_of("0100-0199", "100-199") == ["0100-0199"]
    assert left_of("0100-0199", "0200-0299") == ["0100-0199"]


def test_r12_held_ranges_are_split_in_place_on_that_mivb_only() -> None:
    held = [CLAIM, TENANT, dids("5550100-5550199"), dids("5550100-5550199", OTHER), dids("5550300-5550399")]

    assert without_range(held, MIVB, DidRange.parse("5550150-5550150")) == [
        CLAIM,
        TENANT,
        dids("5550100-5550149"),
        dids("5550151-5550199"),
        dids("5550100-5550199", OTHER),
        dids("5550300-5550399"),
    ]


def test_r12_a_range_added_twice_is_held_once() -> None:
    held = with_range([TENANT], dids("5550100-5550199"))

    assert with_range(held, dids("5550100-5550199")) == [TENANT, dids("5550100-5550199")]


def refusal_of(assignment: Assignment, group_id: str) -> str:
    with pytest.raises(Refusal) as refused:
        assignment.dids_tenant(group_id)
    return refused.value.reason


def test_r12_ranges_change_only_for_a_customer_in_place_on_that_group() -> None:
    assigned = Assignment("c1", "t1", "pg-1", State.ASSIGNED, [CLAIM, TENANT], tenant=TENANT_BODY)

    assert assigned.dids_tenant("pg-1") == TENANT
    assert refusal_of(Assignment.holding_nothing("c1", "t1"), "pg-1") == "customer c1 has no platform assignment"
    residue = Assignment("c1", "t1", "pg-1", State.RESIDUE, [CLAIM, TENANT], tenant=TENANT_BODY)
    assert refusal_of(residue, "pg-1") == "customer c1 is not in place on its platforms (RESIDUE)"
    assert "on platform group 'pg-1', not 'pg-2'" in refusal_of(assigned, "pg-2")
    no_tenant = Assignment("c1", "t1", "pg-1", State.ASSIGNED, [CLAIM], tenant=TENANT_BODY)
    assert refusal_of(no_tenant, "pg-1") == "customer c1 holds no MiVB tenant"


def test_r12_an_added_range_is_held_and_a_removed_one_splits_the_held_ones() -> None:
    assigned = Assignment("c1", "t1", "pg-1", State.ASSIGNED, [CLAIM, TENANT, dids("5550100-5550199")])

    added = assigned.dids_added("t-add", DidRange.parse("5550300-5550399"), TENANT)
    again = assigned.dids_added("t-add", DidRange.parse("5550300-5550399"), TENANT)
    removed = assigned.dids_removed("t-remove", DidRange.parse("5550150-5550349"), TENANT)

    assert [type(event).__name__ for event in [*(added or []), *(removed or [])]] == [
        "DidRangeProvisioned",
        "DidRangeReleased",
    ]
    assert again is None  # the task is decided once
    assert [step.target for step in assigned.held if step.kind is StepKind.MIVB_DIDS] == [
        "5550100-5550149",
        "5550350-5550399",
    ]


def test_r12_a_failed_addition_holds_the_range_only_when_it_may_have_stayed() -> None:
    assigned = Assignment("c1", "t1", "pg-1", State.ASSIGNED, [CLAIM, TENANT])
    doubtful = Assignment("c1", "t1", "pg-1", State.ASSIGNED, [CLAIM, TENANT])
    wanted = DidRange.parse("5550100-5550199")

    refused = assigned.did_addition_failed("t-1", wanted, "MiVB http://mivb: HTTP 409", TENANT, False, None)
    stuck = doubtful.did_addition_failed("t-1", wanted, "MiVB: timed out", TENANT, True, "MiVB: timed out")

    assert assigned.held == [CLAIM, TENANT]
    assert doubtful.held == [CLAIM, TENANT, dids("5550100-5550199")]  # the release removes it
    assert refused is not None
    assert stuck is not None
    assert stuck[0].reason == "MiVB: timed out; removing it again failed: MiVB: timed out"  # type: ignore[attr-defined]
