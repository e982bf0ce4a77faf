import pytest

from mmp_contracts.customer_spec import CustomerSpec
from platform_svc.domain.assignment import State
from platform_svc.domain.edit import Revert, copies_held, mivb_changes, revert_after_micollab_failure, templates_to_copy
from platform_svc.domain.key_templates import STANDARD_6930
from platform_svc.domain.tasks import TASKS_KEPT, Outcome, TaskKind, find_task, task_record, with_task

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


def edited(**sections: object) -> CustomerSpec:
    return BEFORE.model_copy(update=sections)


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
    copies = copies_held([STANDARD_6930.model_dump()])
    after = edited(key_templates=["kt-standard-6930", "kt-reception"])

    assert copies == {"kt-standard-6930": STANDARD_6930}
    assert templates_to_copy(after, copies) == ["kt-reception"]


def test_r22_micollab_failure_puts_back_only_an_applied_edit_of_a_customer_in_place() -> None:
    applied = task_record("t1", TaskKind.EDIT, Outcome.APPLIED, previous={})
    unchanged = task_record("t1", TaskKind.EDIT, Outcome.UNCHANGED)

    assert revert_after_micollab_failure(applied, State.ASSIGNED) is Revert.PUT_BACK
    assert revert_after_micollab_failure(applied, State.RELEASED) is Revert.NOTHING_APPLIED
    assert revert_after_micollab_failure(unchanged, State.ASSIGNED) is Revert.NOTHING_APPLIED
    assert revert_after_micollab_failure(None, None) is Revert.NOTHING_APPLIED


def test_r22_a_repeated_micollab_failure_decides_nothing_new() -> None:
    for outcome in (Outcome.REVERTED, Outcome.REVERT_FAILED):
        record = task_record("t1", TaskKind.EDIT, outcome)
        assert revert_after_micollab_failure(record, State.ASSIGNED) is Revert.DECIDED


def test_task_records_replace_their_own_and_keep_the_newest() -> None:
    doc = with_task(None, task_record("t1", TaskKind.EDIT, Outcome.APPLIED))
    doc = with_task(doc, task_record("t1", TaskKind.EDIT, Outcome.REVERTED))

    assert doc["tasks"] == [{"task_id": "t1", "kind": "edit", "outcome": "REVERTED"}]
    assert find_task(doc, "t2") is None
    assert find_task(None, "t1") is None
    for number in range(TASKS_KEPT + 1):
        doc = with_task(doc, task_record(f"d{number}", TaskKind.DID_ADDITION, Outcome.DONE))
    assert len(doc["tasks"]) == TASKS_KEPT
    assert find_task(doc, "t1") is None
    assert find_task(doc, f"d{TASKS_KEPT}") is not None
