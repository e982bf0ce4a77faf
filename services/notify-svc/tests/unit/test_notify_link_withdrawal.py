"""R23, R24: a customer converted to demo mode or deleted can no longer be logged into, so the set-password link
of its welcome mail, if not yet redeemed, is refused from then on. The domain rule alone, no I/O."""

from datetime import UTC, datetime, timedelta

import pytest

from mmp_contracts.customer_spec import FirstUser
from mmp_contracts.events import CustomerActivated
from notify_svc.adapters.store import WelcomeMailMapper
from notify_svc.domain.links import LinkKey, Redemption, SetPasswordLink, Withdrawal, check_redemption, hash_token
from notify_svc.domain.templates import DEFAULT_TEMPLATE
from notify_svc.domain.welcome import WelcomeMail

pytestmark = pytest.mark.unit

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
TTL = timedelta(hours=72)
KEY = LinkKey(b"test-secret", TTL)
SENDER = "provisioning@mmp.example"


def sent_mail(customer_id: str = "c-1", send_welcome_mail: bool = True) -> tuple[WelcomeMail, str]:
    """A welcome mail sent, and its token's hash."""
    event = CustomerActivated(
        customer_id=customer_id,
        task_id="t-1",
        webid="acme",
        name="Acme Ltd",
        contact_email="it@acme.example",
        portal_url="https://portal.mmp.example/acme",
        first_user=FirstUser(first_name="Ada", last_name="Lovelace", email="ada@acme.example", username="ada.l"),
        send_welcome_mail=send_welcome_mail,
        welcome_mail_template_id=None,
    )
    mail, _ = WelcomeMail.request(event, DEFAULT_TEMPLATE, KEY, SENDER, NOW)
    mail.mark_sent(NOW)
    return mail, KEY.issue(customer_id, NOW).token_hash


@pytest.mark.parametrize(
    ("why", "refusal", "rule"),
    [
        (Withdrawal.DEMO_MODE, Redemption.CUSTOMER_IN_DEMO_MODE, "R24"),
        (Withdrawal.DELETED, Redemption.CUSTOMER_DELETED, "R23"),
    ],
)
def test_a_link_not_yet_redeemed_is_refused_once_withdrawn(why: Withdrawal, refusal: Redemption, rule: str) -> None:
    mail, token_hash = sent_mail()

    assert mail.withdraw_link(why, NOW) == []  # a change, no event

    assert mail.redeem_link(token_hash, LATER) is refusal
    assert refusal.rule == rule
    assert refusal.value.startswith("withdrawn: ")
    assert mail.link is not None
    assert (mail.link.used, mail.link.withdrawn, mail.link.withdrawn_at) == (False, why, NOW)
    assert mail.redeem_link(token_hash, NOW + 2 * TTL) is refusal  # the reason outlives the expiry
    assert mail.redeem_link(hash_token("made-up"), LATER) is Redemption.UNKNOWN


@pytest.mark.parametrize("why", list(Withdrawal))
def test_withdrawing_again_for_the_same_reason_changes_nothing(why: Withdrawal) -> None:
    mail, _ = sent_mail()
    mail.withdraw_link(why, NOW)

    assert mail.withdraw_link(why, LATER) is None
    assert mail.link is not None
    assert mail.link.withdrawn_at == NOW


def test_a_demo_customer_deleted_later_has_its_link_refused_as_deleted_never_the_reverse() -> None:
    mail, token_hash = sent_mail()
    mail.withdraw_link(Withdrawal.DEMO_MODE, NOW)

    assert mail.withdraw_link(Withdrawal.DELETED, LATER) == []
    assert mail.redeem_link(token_hash, LATER) is Redemption.CUSTOMER_DELETED
    assert mail.withdraw_link(Withdrawal.DEMO_MODE, LATER) is None
    assert mail.redeem_link(token_hash, LATER) is Redemption.CUSTOMER_DELETED


def test_a_redeemed_link_has_nothing_to_withdraw_and_stays_used() -> None:
    mail, token_hash = sent_mail()
    assert mail.redeem_link(token_hash, NOW) is Redemption.ACCEPTED

    assert mail.withdraw_link(Withdrawal.DELETED, LATER) is None
    assert mail.redeem_link(token_hash, LATER) is Redemption.USED


def test_a_mail_without_a_link_has_nothing_to_withdraw() -> None:
    mail, _ = sent_mail(send_welcome_mail=False)
    assert mail.withdraw_link(Withdrawal.DEMO_MODE, NOW) is None


def test_an_untouched_link_still_works_once() -> None:
    mail, token_hash = sent_mail()
    assert mail.redeem_link(token_hash, LATER) is Redemption.ACCEPTED
    assert mail.redeem_link(token_hash, LATER) is Redemption.USED


def test_the_new_customer_of_a_webid_created_again_has_a_link_of_its_own() -> None:
    """R23: a create again with the same WebID is a new customer id, so a new mail and a link never withdrawn."""
    gone, _ = sent_mail("c-1")
    gone.withdraw_link(Withdrawal.DELETED, NOW)

    again, token_hash = sent_mail("c-2")

    assert again.link is not None
    assert again.link.token_hash != (gone.link.token_hash if gone.link else None)
    assert again.redeem_link(token_hash, LATER) is Redemption.ACCEPTED


def test_the_withdrawal_is_stored_and_read_back() -> None:
    mail, token_hash = sent_mail()
    mail.withdraw_link(Withdrawal.DEMO_MODE, NOW)
    mapper = WelcomeMailMapper()

    document = mapper.to_document(mail)
    read_back = mapper.from_document(document)

    assert document["link"]["withdrawn"] == "demo_mode"
    assert read_back.link == mail.link
    assert read_back.redeem_link(token_hash, LATER) is Redemption.CUSTOMER_IN_DEMO_MODE


def test_a_record_written_before_links_could_be_withdrawn_reads_as_not_withdrawn() -> None:
    mail, token_hash = sent_mail()
    mapper = WelcomeMailMapper()
    document = mapper.to_document(mail)
    for name in ("withdrawn", "withdrawn_at"):
        del document["link"][name]

    read_back = mapper.from_document(document)

    assert read_back.link is not None
    assert (read_back.link.withdrawn, read_back.link.withdrawn_at) == (None, None)
    assert read_back.redeem_link(token_hash, LATER) is Redemption.ACCEPTED


def test_a_withdrawn_link_is_refused_before_its_expiry_is_looked_at() -> None:
    link = SetPasswordLink(token_hash="h", expires_at=NOW, withdrawn=Withdrawal.DELETED)
    assert check_redemption(link, NOW + TTL) is Redemption.CUSTOMER_DELETED
    assert check_redemption(SetPasswordLink(token_hash="h", expires_at=NOW, used=True), NOW) is Redemption.USED
