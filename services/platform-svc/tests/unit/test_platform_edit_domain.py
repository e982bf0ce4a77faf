import pytest

from mmp_contracts.customer_spec import CustomerSpec
from mmp_contracts.tasks import TaskKind
from platform_svc.management.domain.key_templates import STANDARD_6930
from platform_svc.provisioning.adapters.store import AssignmentMapper
from platform_svc.provisioning.domain.assignment import Assignment, State
from platform_svc.provisioning.domain.edit import Revert, mivb_changes, revert_after_micollab_failure
from platform_svc.provisioning.domain.steps import Step, StepKind
from platform_svc.provisioning.domain.tasks import TASKS_KEPT, AppliedEdit, TaskOutcome, TaskRecord, with_task
from platform_svc.provisioning.domain.tenant import MivbTenant

pytestmark = pytest.mark.unit

BEFORE = CustomerSpec.model_validate(
    {
        "details": {"name": "Harbour Dental", "webid": "harbour-dental", "contact_email": "it@hd.example"},
        "platform": {"platform_group_id": "pg-1", "extension_length": 4, "dialing_privileges": "national"},
        "service_bundles": [{"bundle_id": "standard-ucc", "quantity": 5}],
        "key_templates": ["kt-standard-6930"],
        "first_user": {"first_name": "A", "last_name": "H", "email": "a@hd.example", "username": "ahaddad"},
    }
)
TENANT = MivbTenant.of(BEFORE, apply_time_zone=False, key_templates=[STANDARD_6930])
HELD = [Step(StepKind.MIVB_TENANT, "http://mivb", "c1")]


def edited(**sections: object) -> CustomerSpec:
    return BEFORE.model_copy(update=sections)


def assigned() -> Assignment:
    return Assignment("c1", "t0", "pg-1", State.ASSIGNED, list(HELD), tenant=TENANT)


def test_r22_each_mivb_part_of_an_edit_is_seen() -> None:
    renamed = BEFORE.details.model_copy(update={"name": "Harbour Dental Group"})
    wider = BEFORE.platform.model_copy(update={"dialing_privileges": "international"})

    assert mivb_changes(BEFORE, edited(details=renamed)) == ["details.name"]
    assert mivb_changes(BEFORE, edited(platform=wider)) == ["platform.dialing_privileges"]
    assert mivb_changes(BEFORE, edited(hotdesk_devices=["6930"], key_templates=["kt-a"])) == [
        "key_templates",
        "hotdesk_devices",
    ]


def test_r22_an_edit_of_bundles_or_contact_has_nothing_for_the_mivb() -> None:
    contact = BEFORE.details.model_copy(update={"contact_email": "new@hd.example"})
    more = [BEFORE.service_bundles[0].model_copy(update={"quantity": 9})]

    assert mivb_changes(BEFORE, edited(details=contact, service_bundles=more)) == []
    assert mivb_changes(BEFORE, BEFORE) == []


def test_r15_key_template_id_naming_a_listed_template_changes_nothing_on_the_mivb() -> None:
    same = BEFORE.platform.model_copy(update={"key_template_id": "kt-standard-6930"})

    assert mivb_changes(BEFORE, edited(platform=same)) == []


def test_r15_only_templates_without_a_copy_are_read_again() -> None:
    assignment = assigned()
    after = edited(key_templates=["kt-standard-6930", "kt-reception"])

    assert assignment.key_templates == [STANDARD_6930]
    assert assignment.templates_to_copy(after) == ["kt-reception"]


def test_r22_micollab_failure_puts_back_only_an_applied_edit_of_a_customer_in_place() -> None:
    applied = TaskRecord("t1", TaskKind.UPDATE, TaskOutcome.APPLIED, applied=AppliedEdit("http://mivb", TENANT, TENANT))
    unchanged = TaskRecord("t1", TaskKind.UPDATE, TaskOutcome.UNCHANGED)

    assert revert_after_micollab_failure(applied, in_place=True) is Revert.PUT_BACK
    assert revert_after_micollab_failure(applied, in_place=False) is Revert.NOTHING_APPLIED  # e.g. RELEASED
    assert revert_after_micollab_failure(unchanged, in_place=True) is Revert.NOTHING_APPLIED
    assert revert_after_micollab_failure(None, in_place=False) is Revert.NOTHING_APPLIED


def test_r22_a_repeated_micollab_failure_decides_nothing_new() -> None:
    for outcome in (TaskOutcome.REVERTED, TaskOutcome.REVERT_FAILED):
        record = TaskRecord("t1", TaskKind.UPDATE, outcome)
        assert revert_after_micollab_failure(record, in_place=True) is Revert.DECIDED


def test_r22_a_revert_puts_the_previous_tenant_and_its_copies_back() -> None:
    assignment = assigned()
    renamed = MivbTenant.of(edited(details=BEFORE.details.model_copy(update={"name": "HD"})), False, [])
    applied = AppliedEdit("http://mivb", renamed, TENANT)
    assignment.tasks = [TaskRecord("t1", TaskKind.UPDATE, TaskOutcome.APPLIED, applied=applied)]
    assignment.tenant = renamed

    assert assignment.applied_edit("t1") == applied
    assert [type(e).__name__ for e in assignment.edit_reverted("t1", applied) or []] == ["PlatformUpdateReverted"]
    assert (assignment.tenant, assignment.key_templates) == (TENANT, [STANDARD_6930])
    assert assignment.edit_reverted("t1", applied) is None  # decided: a repeat changes nothing
    assert assignment.revert_for("t1") is Revert.DECIDED


def test_task_records_replace_their_own_and_keep_the_newest() -> None:
    assignment = Assignment.holding_nothing("c1", "t0")
    assignment.tasks = with_task([], TaskRecord("t1", TaskKind.UPDATE, TaskOutcome.APPLIED))
    assignment.tasks = with_task(assignment.tasks, TaskRecord("t1", TaskKind.UPDATE, TaskOutcome.REVERTED))
    mapper = AssignmentMapper()

    assert mapper.to_document(assignment)["tasks"] == [{"task_id": "t1", "kind": "update", "outcome": "REVERTED"}]
    assert assignment.task("t2") is None
    assert Assignment.holding_nothing("c1", "t0").task("t1") is None
    for number in range(TASKS_KEPT + 1):
        done = TaskRecord(f"d{number}", TaskKind.ADD_DID_RANGE, TaskOutcome.DONE, did_range="5550100-5550199")
        assignment.tasks = with_task(assignment.tasks, done)
    assert len(assignment.tasks) == TASKS_KEPT
    assert assignment.task("t1") is None
    assert assignment.task(f"d{TASKS_KEPT}") is not None
    assert mapper.from_document(mapper.to_document(assignment)).tasks == assignment.tasks
