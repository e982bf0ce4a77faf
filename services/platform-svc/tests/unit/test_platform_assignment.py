"""The assignment decides: RESIDUE or FAILED, the reasons, what a release leaves, which group it pins."""

from collections.abc import Sequence

import pytest

from mmp_contracts import Violation
from mmp_contracts.events import PlatformAssignmentFailed, PlatformReleased, PlatformReleaseFailed
from platform_svc.management.domain.refusals import Refusal, RefusalKind
from platform_svc.provisioning.domain.assignment import Assignment, State
from platform_svc.provisioning.domain.steps import Progress, Step, StepKind, Undo

pytestmark = pytest.mark.unit

CLAIM = Step(StepKind.SIP_CLAIM, "mbg-1", "ahaddad")
TENANT = Step(StepKind.MIVB_TENANT, "http://mivb", "c1")
MBG_CUSTOMER = Step(StepKind.MBG_CUSTOMER, "http://mbg", "c1")
PLANNED = [CLAIM, TENANT, MBG_CUSTOMER]


def undone(held: Sequence[Step], failing: dict[Step, str] | None = None) -> Undo:
    """An undo pass in which the steps of `failing` fail with their reason."""
    undo = Undo(held)
    for step in undo.steps():
        if failing and step in failing:
            undo.failed(step, failing[step])
    return undo


def configuring() -> Assignment:
    return Assignment("c1", "task-1", "pg-1", State.CONFIGURING, list(PLANNED))


def test_r20_a_failed_create_undone_completely_is_failed_with_its_reason() -> None:
    assignment = configuring()

    [event] = assignment.creation_failed("MBG http://mbg: HTTP 503 on PUT", [], undone([CLAIM, TENANT])) or []

    assert (assignment.state, assignment.held, assignment.reason) == (
        State.FAILED,
        [],
        "MBG http://mbg: HTTP 503 on PUT",
    )
    assert isinstance(event, PlatformAssignmentFailed)
    assert (event.reason, event.residue) == ("MBG http://mbg: HTTP 503 on PUT", [])


def test_r21_a_failed_undo_leaves_residue_naming_what_is_left_where() -> None:
    assignment = configuring()
    undo = undone([CLAIM, TENANT], {TENANT: "MiVB http://mivb: HTTP 503"})

    [event] = assignment.creation_failed("R5: MiVB at http://mivb is down", [], undo) or []

    assert (assignment.state, assignment.held) == (State.RESIDUE, [TENANT])
    assert assignment.reason == "R5: MiVB at http://mivb is down; rollback incomplete: MiVB http://mivb: HTTP 503"
    assert isinstance(event, PlatformAssignmentFailed)
    assert event.residue == ["MiVB tenant c1 at http://mivb"]
    assert assignment.pins_group == "pg-1"


def test_a_late_failure_never_moves_a_decided_create() -> None:
    assignment = Assignment("c1", "task-1", "pg-1", State.ASSIGNED, list(PLANNED))

    assert assignment.creation_failed("late", [], undone([])) is None
    assert assignment.state is State.ASSIGNED


def test_r20_a_resumed_create_undoes_all_it_planned_a_fresh_one_what_it_did() -> None:
    resumed = configuring().resume()
    fresh = Progress()
    for progress in (resumed, fresh):
        assert progress is not None
        progress.done(CLAIM)
        progress.failed(TENANT, "MiVB: HTTP 409", maybe_applied=False)

    assert resumed is not None
    assert (resumed.to_undo(), fresh.to_undo()) == (PLANNED, [CLAIM])
    doubtful = Progress()
    doubtful.failed(TENANT, "MiVB: PUT timed out", maybe_applied=True)
    assert (doubtful.to_undo(), doubtful.failure) == ([TENANT], "MiVB: PUT timed out")


def test_a_create_refused_by_its_checks_is_failed_with_the_violations() -> None:
    violation = Violation(field="platform.platform_group_id", rule="R1", message="platform group 'x' is not registered")

    refused, [event] = Assignment.refused("c1", "task-1", "x", Refusal(RefusalKind.INVALID, [violation]))

    assert (refused.state, refused.reason, refused.violations, refused.pins_group) == (
        State.FAILED,
        "R1: platform group 'x' is not registered",
        [violation],
        None,
    )
    assert isinstance(event, PlatformAssignmentFailed)
    assert event.violations == [violation]


def test_r23_a_release_undoes_everything_or_keeps_residue_for_the_next_request() -> None:
    gone = Assignment("c1", "task-1", "pg-1", State.ASSIGNED, list(PLANNED))
    stuck = Assignment("c1", "task-1", "pg-1", State.ASSIGNED, list(PLANNED))

    [released] = gone.released(undone(PLANNED))
    [failed] = stuck.released(undone(PLANNED, {MBG_CUSTOMER: "MBG http://mbg: HTTP 503"}))

    assert isinstance(released, PlatformReleased)
    assert (gone.state, gone.held, gone.residue, gone.pins_group) == (State.RELEASED, [], [], None)
    assert isinstance(failed, PlatformReleaseFailed)
    assert (stuck.state, stuck.held) == (State.RESIDUE, [CLAIM, MBG_CUSTOMER])  # R11: the name stays claimed
    assert (failed.reason, failed.residue) == (
        "rollback incomplete: MBG http://mbg: HTTP 503",
        ["MBG customer c1 at http://mbg"],
    )


def test_r23_a_customer_holding_nothing_is_released_at_once_as_it_stands() -> None:
    failed = Assignment("c1", "task-1", "pg-1", State.FAILED)
    stranger = Assignment.holding_nothing("c2", "task-2")

    assert [type(event) for event in failed.released(undone([]))] == [PlatformReleased]
    assert [type(event) for event in stranger.released(undone([]))] == [PlatformReleased]
    assert (failed.state, stranger.state, stranger.platform_group_id) == (State.FAILED, State.RELEASED, None)


def test_a_group_is_pinned_while_work_is_made_in_place_or_left_there() -> None:
    pins = {state: Assignment("c1", "task-1", "pg-1", state).pins_group for state in State}

    assert pins == {
        State.CONFIGURING: "pg-1",
        State.ASSIGNED: "pg-1",
        State.RESIDUE: "pg-1",
        State.FAILED: None,
        State.RELEASED: None,
    }
