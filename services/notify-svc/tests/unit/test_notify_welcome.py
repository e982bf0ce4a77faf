from datetime import UTC, datetime, timedelta

import pytest

from mmp_contracts.customer_spec import FirstUser
from mmp_contracts.events import CustomerActivated
from notify_svc.adapters.smtp import parse_smtp_url
from notify_svc.domain.links import IssuedLink, LinkKey, hash_token
from notify_svc.domain.templates import DEFAULT_TEMPLATE, MailTemplate
from notify_svc.domain.welcome import compose_welcome, template_id_of, welcome_message_id

pytestmark = pytest.mark.unit

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
SENDER = "provisioning@mmp.example"
KEY = LinkKey(b"test-secret", timedelta(hours=72))


def issue_link(now: datetime, ttl: timedelta, token: str = "secret-token") -> IssuedLink:
    return IssuedLink(token=token, token_hash=hash_token(token), expires_at=now + ttl)


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


def test_r26_welcome_mail_goes_to_the_first_user_with_portal_webid_and_link() -> None:
    link = issue_link(NOW, timedelta(hours=72))
    mail = compose_welcome(activated(), DEFAULT_TEMPLATE, link, SENDER)
    assert mail.recipient == "ada@acme.example"
    assert mail.sender == SENDER
    assert mail.subject == "Welcome to your telephony service, Acme Ltd"
    for expected in ("Ada Lovelace", "ada.l", "acme", "https://portal.mmp.example/acme", "2025-03-04 12:00 UTC"):
        assert expected in mail.body
    assert "https://portal.mmp.example/acme/set-password?token=secret-token" in mail.body
    assert "secret-token" not in repr(mail)


def test_message_id_is_the_same_for_every_send_to_one_customer() -> None:
    first = compose_welcome(activated(), DEFAULT_TEMPLATE, KEY.issue("c-1", NOW), SENDER)
    again = compose_welcome(activated(), DEFAULT_TEMPLATE, KEY.issue("c-1", NOW + timedelta(hours=1)), SENDER)
    assert first.message_id == again.message_id == welcome_message_id("c-1", SENDER) == "<welcome.c-1@mmp.example>"
    other = compose_welcome(activated(customer_id="c-2"), DEFAULT_TEMPLATE, KEY.issue("c-2", NOW), SENDER)
    assert other.message_id != first.message_id


def test_subject_stays_one_line_whatever_the_customer_name() -> None:
    template = MailTemplate(id="t", subject="Welcome {customer_name}", body=DEFAULT_TEMPLATE.body)
    mail = compose_welcome(activated(name="Acme\r\nBcc: evil@x"), template, issue_link(NOW, timedelta(1)), SENDER)
    assert mail.subject == "Welcome Acme Bcc: evil@x"


def test_template_defaults_to_welcome_default() -> None:
    assert template_id_of(activated()) == "welcome-default"
    assert template_id_of(activated(welcome_mail_template_id="gold")) == "gold"


def test_smtp_url_gives_host_and_port() -> None:
    target = parse_smtp_url("smtp://127.0.0.1:1025")
    assert (target.hostname, target.port, target.use_tls) == ("127.0.0.1", 1025, False)
    assert parse_smtp_url("smtp://mail.example").port == 25
    secure = parse_smtp_url("smtps://bot:p%40ss@mail.example")
    assert (secure.port, secure.use_tls, secure.username, secure.password) == (465, True, "bot", "p@ss")
    assert "p@ss" not in repr(secure)


def test_smtp_url_must_be_smtp() -> None:
    with pytest.raises(ValueError, match="smtp_url"):
        parse_smtp_url("http://127.0.0.1:1025")
