"""R27: the billing-change mail on CustomerUpdated, through a real SMTP server."""

import pytest

from mmp_contracts.customer_spec import BillingChange, CustomerSpec
from mmp_contracts.events import BillingChangeMailFailed, BillingChangeMailSent, CustomerUpdated, WelcomeMailSent

from .conftest import DiesOnceAfterTheSend

pytestmark = pytest.mark.component

ADMIN = {"Authorization": "Bearer test-admin-token"}


def updated(*changes: BillingChange, task_id: str = "t-edit-1") -> CustomerUpdated:
    spec = CustomerSpec.model_validate(
        {
            "details": {"name": "Acme Ltd", "webid": "acme", "contact_email": "billing@acme.example"},
            "platform": {"platform_group_id": "pg-1", "extension_length": 4, "dialing_privileges": "national"},
            "service_bundles": [{"bundle_id": "entry-ucc", "quantity": 8, "billing_change_notification": True}],
            "first_user": {"first_name": "Ada", "last_name": "Lee", "email": "ada@acme.example", "username": "ada"},
        }
    )
    return CustomerUpdated(
        customer_id="c-acme", task_id=task_id, webid="acme", spec=spec, usage=[], billing_changes=list(changes)
    )


def change(bundle_id: str, before: int, after: int, notify: bool = True) -> BillingChange:
    return BillingChange(bundle_id=bundle_id, before=before, after=after, notify=notify)


async def test_r27_one_mail_to_the_contact_lists_the_notified_changes(start_notify, smtp_server) -> None:
    notify = await start_notify()
    event = updated(change("entry-ucc", 5, 8), change("standard-ipt", 20, 25, notify=False), change("mobile", 2, 0))

    await notify.publish(event)

    sent = await notify.capture.wait_for(BillingChangeMailSent)
    assert (sent.customer_id, sent.task_id, sent.recipient) == ("c-acme", "t-edit-1", "billing@acme.example")
    [(recipients, mail)] = smtp_server.inbox.mails
    assert recipients == ["billing@acme.example"]
    assert mail["Message-ID"] == "<billing-change.t-edit-1@mmp.example>"
    body = mail.get_content().replace("\r\n", "\n")  # SMTP carries CRLF line ends
    assert "- entry-ucc: 5 -> 8\n- mobile: 2 -> 0" in body
    assert "standard-ipt" not in body
    record = await notify.billing_change_record("t-edit-1")
    assert record["status"] == "sent"
    assert [c["bundle_id"] for c in record["changes"]] == ["entry-ucc", "mobile"]
    assert notify.capture.of(WelcomeMailSent) == []


async def test_r27_no_change_asking_for_notification_sends_nothing(start_notify, smtp_server) -> None:
    notify = await start_notify()

    await notify.publish(updated(change("standard-ipt", 20, 25, notify=False)))
    await notify.publish(updated(task_id="t-edit-2"))  # an edit that changed no quantity
    await notify.runtime.relay.flush()

    assert (
        notify.runtime.metrics.registry.get_sample_value("mmp_messages_handled_total", {"type": "CustomerUpdated"}) == 2
    )
    assert smtp_server.inbox.mails == []
    assert notify.capture.events == []
    assert await notify.billing_change_record("t-edit-1") is None


async def test_the_same_customer_updated_twice_sends_one_mail(start_notify, smtp_server) -> None:
    notify = await start_notify()
    event = updated(change("entry-ucc", 5, 8))

    await notify.publish(event, times=2)  # the same envelope redelivered
    await notify.publish(event)  # a second envelope for the same task

    await notify.capture.wait_for(BillingChangeMailSent)
    await notify.runtime.relay.flush()
    assert (
        notify.runtime.metrics.registry.get_sample_value("mmp_messages_handled_total", {"type": "CustomerUpdated"}) == 3
    )
    assert len(smtp_server.inbox.mails) == 1
    assert len(notify.capture.of(BillingChangeMailSent)) == 1


async def test_a_crash_after_the_send_mails_the_same_message_again(start_notify, smtp_server) -> None:
    notify = await start_notify()
    crash = DiesOnceAfterTheSend(notify.billing_change_mails.collection)
    notify.billing_change_mails.collection = crash

    await notify.publish(updated(change("entry-ucc", 5, 8)))

    await notify.capture.wait_for(BillingChangeMailSent)
    await notify.runtime.relay.flush()
    assert crash.deaths == 1
    [(_, first), (_, again)] = smtp_server.inbox.mails
    assert (again["Message-ID"], again.get_content()) == (first["Message-ID"], first.get_content())
    assert len(notify.capture.of(BillingChangeMailSent)) == 1
    assert (await notify.billing_change_record("t-edit-1"))["status"] == "sent"


async def test_the_edited_template_is_used(start_notify, smtp_server) -> None:
    notify = await start_notify()
    template = {"subject": "Licences of {customer_name}", "body": "WebID {webid}\n{changes}"}
    url = "/api/v1/mail-templates/billing-change-default"
    assert (await notify.http.put(url, json=template, headers=ADMIN)).status_code == 200

    await notify.publish(updated(change("entry-ucc", 5, 8)))

    await notify.capture.wait_for(BillingChangeMailSent)
    [(_, mail)] = smtp_server.inbox.mails
    assert mail["Subject"] == "Licences of Acme Ltd"
    assert mail.get_content().replace("\r\n", "\n").strip() == "WebID acme\n- entry-ucc: 5 -> 8"


async def test_smtp_down_gives_billing_change_mail_failed_once(start_notify, dead_smtp_url) -> None:
    notify = await start_notify(smtp_url=dead_smtp_url)
    event = updated(change("entry-ucc", 5, 8))

    await notify.publish(event)
    failed = await notify.capture.wait_for(BillingChangeMailFailed)
    await notify.publish(event)  # reported once: a redelivery does not try again
    await notify.runtime.relay.flush()

    assert (failed.customer_id, failed.task_id) == ("c-acme", "t-edit-1")
    assert "SMTP 127.0.0.1" in failed.reason
    assert len(notify.capture.of(BillingChangeMailFailed)) == 1
    assert notify.capture.of(BillingChangeMailSent) == []
    record = await notify.billing_change_record("t-edit-1")
    assert record["status"] == "failed"
