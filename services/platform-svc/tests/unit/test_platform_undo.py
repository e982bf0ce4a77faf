import pytest

from platform_svc.provisioning.adapters.store import AssignmentMapper
from platform_svc.provisioning.domain.assignment import Assignment, State
from platform_svc.provisioning.domain.steps import (
    Step,
    StepKind,
    Undo,
    may_undo,
    residue,
    still_held,
    undo_plan,
    with_planned,
)

pytestmark = pytest.mark.unit

CLAIM = Step(StepKind.SIP_CLAIM, "mbg-1", "ahaddad")
TENANT = Step(StepKind.MIVB_TENANT, "http://mivb", "c1")
DIDS_A = Step(StepKind.MIVB_DIDS, "http://mivb", "5550100-5550199")
DIDS_B = Step(StepKind.MIVB_DIDS, "http://mivb", "5550300-5550399")
MBG_CUSTOMER = Step(StepKind.MBG_CUSTOMER, "http://mbg", "c1")
SIP_USER = Step(StepKind.MBG_SIP_USER, "http://mbg", "ahaddad")
ALL = [CLAIM, TENANT, DIDS_A, DIDS_B, MBG_CUSTOMER, SIP_USER]


def in_state(state: State, held: list[Step] = ALL) -> Assignment:
    return Assignment("c1", "task-1", "pg-1", state, list(held))


def test_undo_runs_newest_first_and_children_go_with_their_parent() -> None:
    assert undo_plan(ALL) == [MBG_CUSTOMER, TENANT, CLAIM]


def test_undo_of_a_partial_create_touches_only_what_was_done() -> None:
    assert undo_plan([CLAIM, TENANT, DIDS_A]) == [TENANT, CLAIM]
    assert undo_plan([CLAIM]) == [CLAIM]


def test_orphan_children_are_undone_themselves() -> None:
    assert undo_plan([DIDS_A, SIP_USER]) == [SIP_USER, DIDS_A]


def test_claim_is_kept_while_the_mbg_may_still_hold_the_user() -> None:
    assert not may_undo(CLAIM, [MBG_CUSTOMER])
    assert may_undo(CLAIM, [TENANT])
    assert may_undo(TENANT, [MBG_CUSTOMER])
    undo = Undo(ALL)
    tried = []
    for step in undo.steps():
        tried.append(step)
        if step == MBG_CUSTOMER:
            undo.failed(step, "MBG http://mbg: HTTP 503")
    assert tried == [MBG_CUSTOMER, TENANT]  # the claim is not even tried
    assert (undo.left, undo.problems) == ([CLAIM, MBG_CUSTOMER, SIP_USER], ["MBG http://mbg: HTTP 503"])


def test_still_held_keeps_what_failed_with_its_children() -> None:
    assert still_held(ALL, [TENANT]) == [TENANT, DIDS_A, DIDS_B]
    assert still_held(ALL, [MBG_CUSTOMER, CLAIM]) == [CLAIM, MBG_CUSTOMER, SIP_USER]
    assert still_held(ALL, []) == []


def test_residue_names_what_is_left_where_once() -> None:
    assert residue([CLAIM, TENANT, DIDS_A, MBG_CUSTOMER, SIP_USER]) == [
        "MiVB tenant c1 at http://mivb",
        "MBG customer c1 at http://mbg",
    ]
    assert residue([DIDS_A]) == ["MiVB DID range 5550100-5550199 at http://mivb"]


def test_steps_round_trip_through_the_document() -> None:
    mapper = AssignmentMapper()
    assert mapper.from_document(mapper.to_document(in_state(State.ASSIGNED))).held == ALL


def test_only_an_assignment_in_place_is_released_after_a_micollab_failure() -> None:
    assert in_state(State.ASSIGNED).to_release_after_micollab_failure() == ALL
    assert in_state(State.CONFIGURING).to_release_after_micollab_failure() == ALL  # a create stopped half-way
    assert all(
        in_state(s).to_release_after_micollab_failure() is None for s in (State.FAILED, State.RELEASED, State.RESIDUE)
    )


def test_a_rollback_retry_undoes_only_what_holds_work() -> None:
    assert [s for s in State if in_state(s).to_release()] == [State.CONFIGURING, State.ASSIGNED, State.RESIDUE]


def test_r20_configuring_lists_what_the_create_plans_and_no_residue_yet() -> None:
    configuring = in_state(State.CONFIGURING)
    doc = AssignmentMapper().to_document(configuring)
    assert (doc["state"], [s["kind"] for s in doc["held"]], doc["residue"]) == (
        "CONFIGURING",
        [step.kind.value for step in ALL],
        [],
    )
    assert configuring.resume() is not None
    assert in_state(State.ASSIGNED).resume() is None  # decided: a repeat changes nothing
    assert with_planned(ALL[:2], [ALL[1], ALL[0], ALL[2]]) == ALL[:3]
