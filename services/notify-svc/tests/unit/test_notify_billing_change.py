"""R27: the billing-change mail, rendered from its template."""

import pytest

from mmp_contracts.customer_spec import BillingChange, CustomerSpec
from mmp_contracts.events import CustomerUpdated
from notify_svc.domain.billing_change import (
    BILLING_CHANGE_TEMPLATE,
    compose_billing_change,
    format_changes,
    notified_changes,
)
from notify_svc.domain.templates import (
    BILLING_CHANGE_RULES,
    WELCOME_RULES,
    MailTemplate,
    TemplateError,
    rules_for,
    validate_template,
)

pytestmark = pytest.mark.unit

SENDER = "provisioning@mmp.example"


def updated(*changes: BillingChange, task_id: str = "t-9") -> CustomerUpdated:
    spec = CustomerSpec.model_validate(
        {
            "details": {"name": "Acme Ltd", "webid": "acme", "contact_email": "billing@acme.example"},
            "platform": {"platform_group_id": "pg-1", "extension_length": 4, "dialing_privileges": "national"},
            "first_user": {"first_name": "Ada", "last_name": "Lee", "email": "ada@acme.example", "username": "ada"},
        }
    )
    return CustomerUpdated(
        customer_id="c-1", task_id=task_id, webid="acme", spec=spec, usage=[], billing_changes=list(changes)
    )


def change(bundle_id: str, before: int, after: int, notify: bool = True) -> BillingChange:
    return BillingChange(bundle_id=bundle_id, before=before, after=after, notify=notify)


def test_r27_only_bundles_asking_for_it_are_mailed() -> None:
    event = updated(change("entry-ucc", 5, 8), change("standard-ipt", 20, 25, notify=False), change("mobile", 2, 0))

    assert [c.bundle_id for c in notified_changes(event)] == ["entry-ucc", "mobile"]
    assert notified_changes(updated(change("standard-ipt", 20, 25, notify=False))) == []


def test_r27_the_mail_goes_to_the_contact_and_lists_each_change_before_and_after() -> None:
    event = updated(change("entry-ucc", 5, 8), change("mobile", 2, 0))

    mail = compose_billing_change(event, notified_changes(event), BILLING_CHANGE_TEMPLATE, SENDER)

    assert (mail.sender, mail.recipient) == (SENDER, "billing@acme.example")
    assert mail.subject == "The service bundles of Acme Ltd have changed"
    assert "- entry-ucc: 5 -> 8\n- mobile: 2 -> 0" in mail.body
    assert "Acme Ltd (WebID acme)" in mail.body
    assert mail.message_id == "<billing-change.t-9@mmp.example>"


def test_the_message_id_is_one_per_task_and_a_valid_header() -> None:
    event = updated(change("entry-ucc", 5, 8), task_id="task 7/<x>")
    mail = compose_billing_change(event, notified_changes(event), BILLING_CHANGE_TEMPLATE, SENDER)
    assert mail.message_id == "<billing-change.task-7--x-@mmp.example>"


def test_format_changes_gives_one_line_per_bundle() -> None:
    assert format_changes([change("a", 1, 2), change("b", 3, 0)]) == "- a: 1 -> 2\n- b: 3 -> 0"


def test_the_subject_stays_one_line_whatever_the_customer_name() -> None:
    event = updated(change("entry-ucc", 5, 8))
    event = event.model_copy(
        update={
            "spec": event.spec.model_copy(
                update={"details": event.spec.details.model_copy(update={"name": "A\r\nBcc: x"})}
            )
        }
    )
    mail = compose_billing_change(event, notified_changes(event), BILLING_CHANGE_TEMPLATE, SENDER)
    assert mail.subject == "The service bundles of A Bcc: x have changed"


def test_a_template_with_an_unknown_placeholder_does_not_render() -> None:
    broken = MailTemplate(id="billing-change-default", subject="x", body="{changes} {portal_url}")
    event = updated(change("entry-ucc", 5, 8))
    with pytest.raises(TemplateError):
        compose_billing_change(event, notified_changes(event), broken, SENDER)


def test_r27_the_default_template_is_valid_and_must_list_the_changes() -> None:
    assert validate_template(BILLING_CHANGE_TEMPLATE.subject, BILLING_CHANGE_TEMPLATE.body, BILLING_CHANGE_RULES) == []
    [missing] = validate_template("Changes", "Hello {customer_name}", BILLING_CHANGE_RULES)
    assert (missing.field, missing.rule) == ("body", "R27")
    [multi_line] = validate_template("{changes}", "{changes}", BILLING_CHANGE_RULES)
    assert (multi_line.field, multi_line.rule) == ("subject", "placeholder")


def test_billing_change_templates_are_told_apart_by_their_id() -> None:
    assert rules_for("billing-change-default") is BILLING_CHANGE_RULES
    assert rules_for("welcome-default") is WELCOME_RULES
    assert rules_for("gold") is WELCOME_RULES
