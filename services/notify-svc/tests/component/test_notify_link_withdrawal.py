"""R23, R24: once notify-svc learns that a customer was converted to demo mode or deleted, the set-password link
of its welcome mail, if not yet redeemed, is refused (410, citing the rule); a redelivered event has no second
effect; the link of any other customer, and of a customer created again with the same WebID, still works."""

import re

import pytest

from mmp_contracts import topics
from mmp_contracts.events import CustomerConvertedToDemo, CustomerDeleted, WelcomeMailSent
from mmp_servicekit.testing import envelope, wait_until

pytestmark = pytest.mark.component

TOKEN = re.compile(r"/set-password\?token=([A-Za-z0-9_-]+)")
GOOD_PASSWORD = "correct horse battery"


async def _mailed_token(notify, smtp_server, event) -> str:
    """Publishes the activation and returns the token its welcome mail carried."""
    await notify.publish(event)
    message_id = f"<welcome.{event.customer_id}@mmp.example>"
    await wait_until(lambda: [e for e in notify.capture.of(WelcomeMailSent) if e.customer_id == event.customer_id])
    [mail] = [mail for _, mail in smtp_server.inbox.mails if mail["Message-ID"] == message_id]
    return TOKEN.search(mail.get_content()).group(1)


async def _redeem(notify, token: str):
    return await notify.http.post("/api/v1/set-password", json={"token": token, "password": GOOD_PASSWORD})


def _demo(customer_id: str = "c-acme") -> CustomerConvertedToDemo:
    return CustomerConvertedToDemo(customer_id=customer_id, task_id="task-demo", webid="acme")


def _deleted(customer_id: str = "c-acme") -> CustomerDeleted:
    return CustomerDeleted(customer_id=customer_id, task_id="task-delete", webid="acme")


async def test_r24_the_link_is_refused_once_the_customer_is_in_demo_mode(start_notify, smtp_server, activated) -> None:
    notify = await start_notify()
    token = await _mailed_token(notify, smtp_server, activated())

    await notify.publish(_demo())

    refused = await _redeem(notify, token)
    assert refused.status_code == 410
    [violation] = refused.json()["detail"]
    assert (violation["field"], violation["rule"]) == ("token", "R24")
    assert "demo mode" in violation["message"]
    assert token not in refused.text
    record = await notify.welcome_record("c-acme")
    assert (record["status"], record["link"]["used"], record["link"]["withdrawn"]) == ("sent", False, "demo_mode")
    assert (await _redeem(notify, token)).status_code == 410  # and stays refused


async def test_r23_the_link_is_refused_once_the_customer_is_deleted(start_notify, smtp_server, activated) -> None:
    notify = await start_notify()
    token = await _mailed_token(notify, smtp_server, activated())

    await notify.publish(_deleted())

    refused = await _redeem(notify, token)
    assert refused.status_code == 410
    [violation] = refused.json()["detail"]
    assert (violation["field"], violation["rule"]) == ("token", "R23")
    assert "deleted" in violation["message"]
    record = await notify.welcome_record("c-acme")
    assert (record["link"]["used"], record["link"]["withdrawn"]) == (False, "deleted")


async def test_a_redelivered_event_has_no_second_effect(start_notify, smtp_server, activated) -> None:
    notify = await start_notify()
    token = await _mailed_token(notify, smtp_server, activated())

    event = _demo()
    body = envelope(event, correlation_id=event.task_id).to_json()
    await notify.broker.publish(body, topics.CUSTOMER_EVENTS, key=b"c-acme")
    once = await notify.welcome_record("c-acme")
    await notify.broker.publish(body, topics.CUSTOMER_EVENTS, key=b"c-acme")  # the very same message again
    redelivered = await notify.welcome_record("c-acme")
    await notify.publish(event)  # the same event in another envelope (new id)
    again = await notify.welcome_record("c-acme")

    assert redelivered["version"] == again["version"] == once["version"]
    assert redelivered["link"] == again["link"] == once["link"]
    assert once["link"]["withdrawn"] == "demo_mode"
    assert again["outbox"] == once["outbox"] == []
    assert (await _redeem(notify, token)).status_code == 410
    await notify.runtime.relay.flush()
    assert len(notify.capture.events) == 1  # the WelcomeMailSent, nothing more
    assert len(smtp_server.inbox.mails) == 1


async def test_an_untouched_customer_s_link_still_works_once(start_notify, smtp_server, activated) -> None:
    notify = await start_notify()
    gone = await _mailed_token(notify, smtp_server, activated())
    kept = await _mailed_token(notify, smtp_server, activated(customer_id="c-other", webid="other", task_id="t-2"))

    await notify.publish(_demo())
    await notify.publish(_deleted())

    assert (await _redeem(notify, gone)).status_code == 410
    assert (await _redeem(notify, kept)).status_code == 204
    second = await _redeem(notify, kept)
    assert second.status_code == 410
    assert second.json()["detail"][0]["rule"] == "R26"


async def test_r23_a_customer_created_again_with_the_same_webid_gets_a_working_link(
    start_notify, smtp_server, activated
) -> None:
    notify = await start_notify()
    old = await _mailed_token(notify, smtp_server, activated())
    await notify.publish(_deleted())

    # customer-svc derives a customer's id from its creating command: the create again is a new customer
    new = await _mailed_token(notify, smtp_server, activated(customer_id="c-acme-2", task_id="task-acme-2"))

    assert new != old
    assert len(smtp_server.inbox.mails) == 2
    assert (await _redeem(notify, old)).status_code == 410
    assert (await _redeem(notify, new)).status_code == 204


async def test_a_deletion_before_any_welcome_mail_records_nothing(start_notify, smtp_server) -> None:
    notify = await start_notify()

    await notify.publish(_deleted())

    assert await notify.welcome_record("c-acme") is None
    assert smtp_server.inbox.mails == []
