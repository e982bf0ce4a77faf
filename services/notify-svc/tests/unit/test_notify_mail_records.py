"""The mail records as aggregates: recorded before the send, then marked with its outcome; a mail still
sending is sent again exactly as recorded, with the same link (R26, R27)."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from mmp_contracts.customer_spec import BillingChange, CustomerSpec, FirstUser
from mmp_contracts.events import (
    BillingChangeMailFailed,
    BillingChangeMailSent,
    CustomerActivated,
    CustomerUpdated,
    WelcomeMailFailed,
    WelcomeMailSent,
)
from notify_svc.adapters.store import BillingChangeMailMapper, WelcomeMailMapper
from notify_svc.domain.billing_change import BILLING_CHANGE_TEMPLATE, BillingChangeMail
from notify_svc.domain.links import LinkKey, Redemption, hash_token
from notify_svc.domain.mail import MailStatus
from notify_svc.domain.templates import DEFAULT_TEMPLATE, MailTemplate
from notify_svc.domain.welcome import WelcomeMail

pytestmark = pytest.mark.unit

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
TTL = timedelta(hours=72)
KEY = LinkKey(b"test-secret", TTL)
SENDER = "provisioning@mmp.example"
TOKEN = re.compile(r"/set-password\?token=([A-Za-z0-9_-]+)")


def activated(**changes: object) -> CustomerActivated:
    fields: dict[str, object] = {
        "customer_id": "c-1",
        "task_id": "t-1",
        "webid": "acme",
        "name": "Acme Ltd",
        "contact_email": "it@acme.example",
        "portal_url": "https://portal.mmp.example/acme",
        "first_user": FirstUser(first_name="Ada", last_name="Lovelace", email="ada@acme.example", username="ada.l"),
        "send_welcome_mail": True,
        "welcome_mail_template_id": None,
    }
    return CustomerActivated.model_validate({**fields, **changes})


def sending() -> WelcomeMail:
    mail, events = WelcomeMail.request(activated(), DEFAULT_TEMPLATE, KEY, SENDER, NOW)
    assert (mail.status, events) == (MailStatus.SENDING, [])
    return mail


def token_of(mail: WelcomeMail) -> str:
    outgoing = mail.to_send(KEY)
    assert outgoing is not None
    found = TOKEN.search(outgoing.body)
    assert found
    return found.group(1)


def test_r26_a_welcome_mail_is_recorded_with_its_link_hash_and_message_but_never_its_token() -> None:
    mail = sending()
    token = token_of(mail)

    assert mail.link is not None
    assert mail.link.token_hash == hash_token(token)
    assert mail.link.expires_at == NOW + TTL
    document = WelcomeMailMapper().to_document(mail)
    assert document["link_hash"] == hash_token(token)
    assert token not in json.dumps(document)
    assert token not in repr(mail)


def test_a_mail_still_sending_is_sent_again_exactly_as_recorded_with_the_same_link() -> None:
    mail = sending()
    mapper = WelcomeMailMapper()
    read_back = mapper.from_document(mapper.to_document(mail))  # as a redelivery after a crash finds it

    first, again = mail.to_send(KEY), read_back.to_send(KEY)
    assert first is not None
    assert again == first
    assert (again.recipient, again.message_id) == ("ada@acme.example", "<welcome.c-1@mmp.example>")


def test_a_mail_sent_again_is_the_one_recorded_even_after_its_template_changed() -> None:
    mail = sending()
    recorded = mail.to_send(KEY)
    edited = MailTemplate(id="welcome-default", subject="New {webid}", body="{webid} {portal_url} {set_password_link}")
    WelcomeMail.request(activated(), edited, KEY, SENDER, NOW)  # another activation would use the new one

    assert mail.to_send(KEY) == recorded


def test_once_marked_sent_there_is_nothing_more_to_send() -> None:
    mail = sending()

    events = mail.mark_sent(NOW + timedelta(seconds=1))

    assert events == [
        WelcomeMailSent(
            customer_id="c-1",
            template_id="welcome-default",
            recipient="ada@acme.example",
            link_expires_at=(NOW + TTL).isoformat(),
        )
    ]
    assert mail.status is MailStatus.SENT
    assert mail.to_send(KEY) is None
    assert mail.mark_sent(NOW) is None
    assert mail.mark_failed("late", NOW) is None


def test_a_failed_send_is_reported_and_its_link_withdrawn() -> None:
    mail = sending()
    token = token_of(mail)

    events = mail.mark_failed("SMTP 127.0.0.1:25: refused", NOW)

    assert events == [WelcomeMailFailed(customer_id="c-1", reason="SMTP 127.0.0.1:25: refused")]
    assert (mail.status, mail.link, mail.to_send(KEY)) == (MailStatus.FAILED, None, None)
    assert mail.redeem_link(hash_token(token), NOW) is Redemption.UNKNOWN
    assert mail.mark_sent(NOW) is None


def test_no_mail_wanted_records_it_and_sends_nothing() -> None:
    mail, events = WelcomeMail.request(activated(send_welcome_mail=False), DEFAULT_TEMPLATE, KEY, SENDER, NOW)

    assert (mail.status, events, mail.to_send(KEY)) == (MailStatus.NOT_WANTED, [], None)


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        (None, "unknown mail template 'welcome-default'"),
        (MailTemplate(id="welcome-default", subject="x", body="{gone}"), "mail template 'welcome-default': "),
    ],
)
def test_a_template_that_is_unknown_or_no_longer_renders_fails_at_once(
    template: MailTemplate | None, reason: str
) -> None:
    mail, events = WelcomeMail.request(activated(), template, KEY, SENDER, NOW)

    assert mail.status is MailStatus.FAILED
    [failed] = events
    assert isinstance(failed, WelcomeMailFailed)
    assert failed.reason.startswith(reason)
    assert mail.to_send(KEY) is None


def test_r26_a_link_is_redeemed_once_before_it_expires() -> None:
    mail = sending()
    token_hash = hash_token(token_of(mail))
    mail.mark_sent(NOW)

    assert mail.redeem_link(hash_token("made-up"), NOW) is Redemption.UNKNOWN
    assert mail.redeem_link(token_hash, NOW + timedelta(hours=1)) is Redemption.ACCEPTED
    assert mail.link is not None
    assert (mail.link.used, mail.link.used_at) == (True, NOW + timedelta(hours=1))
    assert mail.redeem_link(token_hash, NOW + timedelta(hours=2)) is Redemption.USED
    expiring = sending()
    assert expiring.redeem_link(token_hash, NOW + TTL) is Redemption.EXPIRED


def test_a_changed_key_never_sends_a_different_link() -> None:
    mail = sending()
    with pytest.raises(ValueError, match="link key changed"):
        mail.to_send(LinkKey(b"rotated", TTL))


def updated(*changes: BillingChange) -> CustomerUpdated:
    spec = CustomerSpec.model_validate(
        {
            "details": {"name": "Acme Ltd", "webid": "acme", "contact_email": "billing@acme.example"},
            "platform": {"platform_group_id": "pg-1", "extension_length": 4, "dialing_privileges": "national"},
            "first_user": {"first_name": "Ada", "last_name": "Lee", "email": "ada@acme.example", "username": "ada"},
        }
    )
    return CustomerUpdated(
        customer_id="c-1", task_id="t-9", webid="acme", spec=spec, usage=[], billing_changes=list(changes)
    )


def change(bundle_id: str, before: int, after: int, notify: bool = True) -> BillingChange:
    return BillingChange(bundle_id=bundle_id, before=before, after=after, notify=notify)


def test_r27_a_billing_change_mail_is_recorded_then_sent_once() -> None:
    requested = BillingChangeMail.request(
        updated(change("entry-ucc", 5, 8), change("mobile", 1, 2, notify=False)), BILLING_CHANGE_TEMPLATE, SENDER, NOW
    )
    assert requested is not None
    mail, events = requested
    assert (mail.status, events, [c.bundle_id for c in mail.changes]) == (MailStatus.SENDING, [], ["entry-ucc"])
    mapper = BillingChangeMailMapper()
    read_back = mapper.from_document(mapper.to_document(mail))
    assert read_back.to_send() == mail.to_send()
    assert read_back.changes == mail.changes

    sent = mail.mark_sent(NOW)

    assert sent == [BillingChangeMailSent(customer_id="c-1", task_id="t-9", recipient="billing@acme.example")]
    assert (mail.to_send(), mail.mark_sent(NOW), mail.mark_failed("late", NOW)) == (None, None, None)


def test_r27_no_change_asking_for_it_records_nothing() -> None:
    assert BillingChangeMail.request(updated(change("mobile", 1, 2, notify=False)), None, SENDER, NOW) is None


def test_r27_a_billing_change_mail_without_its_template_fails_at_once() -> None:
    requested = BillingChangeMail.request(updated(change("entry-ucc", 5, 8)), None, SENDER, NOW)
    assert requested is not None
    mail, events = requested
    assert events == [
        BillingChangeMailFailed(
            customer_id="c-1", task_id="t-9", reason="unknown mail template 'billing-change-default'"
        )
    ]
    assert (mail.status, mail.to_send()) == (MailStatus.FAILED, None)
