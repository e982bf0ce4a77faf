import pytest

from platform_svc.domain.assignment import (
    Kind,
    State,
    Step,
    configuring_fields,
    holds_platform_work,
    may_release_after_micollab_failure,
    may_undo,
    residue,
    still_held,
    undo_plan,
    with_planned,
)

pytestmark = pytest.mark.unit

CLAIM = Step(Kind.SIP_CLAIM, "mbg-1", "ahaddad")
TENANT = Step(Kind.MIVB_TENANT, "http://mivb", "c1")
DIDS_A = Step(Kind.MIVB_DIDS, "http://mivb", "5550100-5550199")
DIDS_B = Step(Kind.MIVB_DIDS, "http://mivb", "5550300-5550399")
MBG_CUSTOMER = Step(Kind.MBG_CUSTOMER, "http://mbg", "c1")
SIP_USER = Step(Kind.MBG_SIP_USER, "http://mbg", "ahaddad")
ALL = [CLAIM, TENANT, DIDS_A, DIDS_B, MBG_CUSTOMER, SIP_USER]


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
    assert [Step.from_doc(step.to_doc()) for step in ALL] == ALL


def test_only_an_assignment_in_place_is_released_after_a_micollab_failure() -> None:
    assert may_release_after_micollab_failure(State.ASSIGNED)
    assert may_release_after_micollab_failure(State.CONFIGURING)  # a create stopped half-way
    assert not any(may_release_after_micollab_failure(s) for s in (State.FAILED, State.RELEASED, State.RESIDUE))


def test_a_rollback_retry_undoes_only_what_holds_work() -> None:
    assert [s for s in State if holds_platform_work(s)] == [State.CONFIGURING, State.ASSIGNED, State.RESIDUE]


def test_r20_configuring_lists_what_the_create_plans_and_no_residue_yet() -> None:
    fields = configuring_fields(ALL)
    assert (fields["state"], [Step.from_doc(s) for s in fields["held"]], fields["residue"]) == ("CONFIGURING", ALL, [])
    assert with_planned(ALL[:2], [ALL[1], ALL[0], ALL[2]]) == ALL[:3]
