import hashlib
import logging
import re

import pytest

from mmp_contracts import topics
from mmp_contracts.events import TaskCompleted, WelcomeMailFailed, WelcomeMailSent
from mmp_servicekit.testing import envelope

from .conftest import DiesOnceAfterTheSend

pytestmark = pytest.mark.component

ADMIN = {"Authorization": "Bearer test-admin-token"}

LINK = re.compile(r"(https://portal\.mmp\.example/acme/set-password\?token=)([A-Za-z0-9_-]+)")


async def test_r26_one_welcome_mail_to_the_first_user_with_webid_portal_and_link(
    start_notify, smtp_server, activated, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    notify = await start_notify()

    await notify.publish(activated())

    sent = await notify.capture.wait_for(WelcomeMailSent)
    [(recipients, mail)] = smtp_server.inbox.mails
    assert recipients == ["ada@acme.example"]
    assert mail["To"] == "ada@acme.example"
    assert mail["From"] == "provisioning@mmp.example"
    assert mail["Message-ID"] == "<welcome.c-acme@mmp.example>"
    body = mail.get_content()
    assert "acme" in body
    assert "https://portal.mmp.example/acme" in body
    token = LINK.search(body).group(2)

    assert (sent.customer_id, sent.template_id, sent.recipient) == ("c-acme", "welcome-default", "ada@acme.example")
    assert sent.link_expires_at
    for event in notify.capture.events:
        assert token not in event.to_json().decode()
    record = await notify.welcome_record("c-acme")
    assert record["status"] == "sent"
    assert record["link_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert record["link"]["used"] is False
    assert token not in repr(record)
    assert all(token not in line.getMessage() for line in caplog.records)


async def test_same_activation_delivered_twice_sends_one_mail(start_notify, smtp_server, activated) -> None:
    notify = await start_notify()
    event = activated()

    await notify.publish(event, times=2)  # the same envelope redelivered
    await notify.publish(event)  # a new envelope (new id) with the same activation
    await notify.runtime.relay.flush()

    await notify.capture.wait_for(WelcomeMailSent)
    assert len(smtp_server.inbox.mails) == 1
    assert len(notify.capture.of(WelcomeMailSent)) == 1


async def test_a_crash_after_the_send_mails_the_same_link_again_and_it_still_works(
    start_notify, smtp_server, activated
) -> None:
    notify = await start_notify()
    crash = DiesOnceAfterTheSend(notify.welcome_mails.collection)
    notify.welcome_mails.collection = crash

    await notify.publish(activated())  # fails once after the send, then comes again

    sent = await notify.capture.wait_for(WelcomeMailSent)
    await notify.runtime.relay.flush()
    assert crash.deaths == 1
    assert len(smtp_server.inbox.mails) == 2  # at least once: the mail went out again ...
    tokens = {LINK.search(mail.get_content()).group(2) for _, mail in smtp_server.inbox.mails}
    assert len(tokens) == 1  # ... with the very same link, never a second one
    assert {mail["Message-ID"] for _, mail in smtp_server.inbox.mails} == {"<welcome.c-acme@mmp.example>"}
    assert len(notify.capture.of(WelcomeMailSent)) == 1
    assert sent.customer_id == "c-acme"
    [token] = tokens
    redeemed = await notify.http.post("/api/v1/set-password", json={"token": token, "password": "correct horse"})
    assert redeemed.status_code == 204
    record = await notify.welcome_record("c-acme")
    assert (record["status"], record["link"]["used"]) == ("sent", True)


async def test_no_mail_when_none_was_wanted(start_notify, smtp_server, activated) -> None:
    notify = await start_notify()

    await notify.publish(activated(send_welcome_mail=False))
    await notify.runtime.relay.flush()

    record = await notify.welcome_record("c-acme")
    assert record["status"] == "not_wanted"
    assert record["outbox"] == []
    assert smtp_server.inbox.mails == []
    assert notify.capture.events == []


async def test_smtp_down_gives_welcome_mail_failed(start_notify, dead_smtp_url, activated) -> None:
    notify = await start_notify(smtp_url=dead_smtp_url)

    await notify.publish(activated())

    failed = await notify.capture.wait_for(WelcomeMailFailed)
    assert failed.customer_id == "c-acme"
    assert "SMTP 127.0.0.1" in failed.reason
    assert notify.capture.of(WelcomeMailSent) == []
    record = await notify.welcome_record("c-acme")
    assert record["status"] == "failed"
    assert "link" not in record
    assert record["link_hash"] is None


class RefusingInbox:
    """Answers DATA with the given replies first, then accepts."""

    def __init__(self, *replies: str) -> None:
        self.replies = list(replies)
        self.attempts = 0
        self.accepted = 0

    async def handle_DATA(self, server, session, smtp_envelope) -> str:
        self.attempts += 1
        if self.replies:
            return self.replies.pop(0)
        self.accepted += 1
        return "250 OK"


async def test_a_transient_smtp_refusal_is_retried(start_notify, serve_smtp, activated) -> None:
    inbox = RefusingInbox("451 4.3.0 try again later")
    notify = await start_notify(smtp_url=serve_smtp(inbox))

    await notify.publish(activated())

    await notify.capture.wait_for(WelcomeMailSent)
    assert (inbox.attempts, inbox.accepted) == (2, 1)


async def test_a_permanent_smtp_refusal_is_not_retried(start_notify, serve_smtp, activated) -> None:
    inbox = RefusingInbox("554 5.7.1 rejected", "554 5.7.1 rejected")
    notify = await start_notify(smtp_url=serve_smtp(inbox))

    await notify.publish(activated())

    failed = await notify.capture.wait_for(WelcomeMailFailed)
    assert "554" in failed.reason
    assert inbox.attempts == 1


async def test_unknown_template_gives_welcome_mail_failed(start_notify, smtp_server, activated) -> None:
    notify = await start_notify()

    await notify.publish(activated(welcome_mail_template_id="no-such-template"))

    failed = await notify.capture.wait_for(WelcomeMailFailed)
    assert "no-such-template" in failed.reason
    assert smtp_server.inbox.mails == []


async def test_the_sp_template_chosen_at_creation_is_used(start_notify, smtp_server, activated) -> None:
    notify = await start_notify()
    template = {
        "subject": "Gold service for {customer_name}",
        "body": "WebID {webid} on {portal_url}. Set your password: {set_password_link}",
    }
    response = await notify.http.put("/api/v1/mail-templates/gold", json=template, headers=ADMIN)
    assert response.status_code == 200

    await notify.publish(activated(welcome_mail_template_id="gold"))

    sent = await notify.capture.wait_for(WelcomeMailSent)
    assert sent.template_id == "gold"
    [(_, mail)] = smtp_server.inbox.mails
    assert mail["Subject"] == "Gold service for Acme Ltd"
    assert LINK.search(mail.get_content())


async def test_the_rest_of_the_customer_events_are_ignored(start_notify, smtp_server) -> None:
    notify = await start_notify()
    message = TaskCompleted(customer_id="c-acme", task_id="t", kind="create")
    await notify.broker.publish(envelope(message).to_json(), topics.CUSTOMER_EVENTS, key=b"c-acme")

    assert await notify.welcome_record("c-acme") is None
    assert smtp_server.inbox.mails == []


async def test_no_template_id_means_welcome_default(start_notify, smtp_server, activated) -> None:
    notify = await start_notify()

    await notify.publish(activated(welcome_mail_template_id=None))

    sent = await notify.capture.wait_for(WelcomeMailSent)
    assert sent.template_id == "welcome-default"
    assert len(smtp_server.inbox.mails) == 1
