import logging
import re

import pytest

from mmp_contracts.events import WelcomeMailSent

pytestmark = pytest.mark.component

ADMIN = {"Authorization": "Bearer test-admin-token"}
TOKEN = re.compile(r"/set-password\?token=([A-Za-z0-9_-]+)")
GOOD_PASSWORD = "correct horse battery"


async def _mailed_token(notify, smtp_server, event) -> str:
    await notify.publish(event)
    await notify.capture.wait_for(WelcomeMailSent)
    [(_, mail)] = smtp_server.inbox.mails
    return TOKEN.search(mail.get_content()).group(1)


async def test_templates_need_a_bearer_token(start_notify) -> None:
    notify = await start_notify()
    assert (await notify.http.get("/api/v1/mail-templates")).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert (await notify.http.get("/api/v1/mail-templates", headers=wrong)).status_code == 401


async def test_welcome_and_billing_change_defaults_are_seeded_and_listed(start_notify) -> None:
    notify = await start_notify()

    listed = await notify.http.get("/api/v1/mail-templates", headers=ADMIN)
    assert listed.status_code == 200
    assert [t["id"] for t in listed.json()] == ["billing-change-default", "welcome-default"]
    one = await notify.http.get("/api/v1/mail-templates/welcome-default", headers=ADMIN)
    assert one.status_code == 200
    assert "{set_password_link}" in one.json()["body"]
    billing = await notify.http.get("/api/v1/mail-templates/billing-change-default", headers=ADMIN)
    assert "{changes}" in billing.json()["body"]


async def test_r27_the_billing_change_template_has_its_own_placeholders(start_notify) -> None:
    notify = await start_notify()
    url = "/api/v1/mail-templates/billing-change-default"
    good = {"subject": "Changes for {customer_name} ({webid})", "body": "New quantities:\n{changes}"}
    welcome_only = {"subject": "Hi {first_name}", "body": "{changes} {set_password_link}"}

    assert (await notify.http.put(url, json=good, headers=ADMIN)).json() == {"id": "billing-change-default", **good}
    refused = await notify.http.put(url, json=welcome_only, headers=ADMIN)
    assert refused.status_code == 422
    assert {v["field"] for v in refused.json()["detail"]} == {"subject", "body"}
    no_changes = await notify.http.put(url, json={"subject": "x", "body": "{webid}"}, headers=ADMIN)
    assert [(v["field"], v["rule"]) for v in no_changes.json()["detail"]] == [("body", "R27")]
    assert (await notify.http.get(url, headers=ADMIN)).json()["subject"] == good["subject"]


async def test_seeding_keeps_an_edited_default(start_notify) -> None:
    notify = await start_notify()
    edited = {"subject": "Hi {customer_name}", "body": "{webid} {portal_url} {set_password_link}"}
    assert (await notify.http.put("/api/v1/mail-templates/welcome-default", json=edited, headers=ADMIN)).is_success

    for hook in notify.runtime.on_start:  # a restart runs the seeding again
        await hook()

    again = await notify.http.get("/api/v1/mail-templates/welcome-default", headers=ADMIN)
    assert again.json()["subject"] == "Hi {customer_name}"


async def test_unknown_template_is_404(start_notify) -> None:
    notify = await start_notify()
    assert (await notify.http.get("/api/v1/mail-templates/nope", headers=ADMIN)).status_code == 404


async def test_put_creates_then_replaces_a_template(start_notify) -> None:
    notify = await start_notify()
    url = "/api/v1/mail-templates/gold"
    first = {"subject": "Welcome {customer_name}", "body": "{webid} {portal_url} {set_password_link}"}
    second = {**first, "subject": "Hello {first_name}"}

    assert (await notify.http.put(url, json=first, headers=ADMIN)).json() == {"id": "gold", **first}
    assert (await notify.http.put(url, json=second, headers=ADMIN)).status_code == 200
    assert (await notify.http.get(url, headers=ADMIN)).json()["subject"] == "Hello {first_name}"


async def test_unknown_placeholder_is_422_naming_the_field(start_notify) -> None:
    notify = await start_notify()
    bad = {"subject": "Welcome {customer}", "body": "{webid} {portal_url} {set_password_link} {password}"}

    response = await notify.http.put("/api/v1/mail-templates/gold", json=bad, headers=ADMIN)

    assert response.status_code == 422
    by_field = {v["field"]: v for v in response.json()["detail"]}
    assert set(by_field) == {"subject", "body"}
    assert "{customer}" in by_field["subject"]["message"]
    assert "{password}" in by_field["body"]["message"]
    assert (await notify.http.get("/api/v1/mail-templates/gold", headers=ADMIN)).status_code == 404


async def test_r26_template_without_the_link_is_422(start_notify) -> None:
    notify = await start_notify()
    bad = {"subject": "Welcome", "body": "{webid} {portal_url}"}
    response = await notify.http.put("/api/v1/mail-templates/gold", json=bad, headers=ADMIN)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "body"


async def test_bad_template_id_and_missing_fields_are_422(start_notify) -> None:
    notify = await start_notify()
    response = await notify.http.put("/api/v1/mail-templates/Not_OK", json={"subject": "x"}, headers=ADMIN)
    assert response.status_code == 422
    assert {v["field"] for v in response.json()["detail"]} == {"template_id", "body"}


async def test_r26_set_password_link_works_once(start_notify, smtp_server, activated, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    notify = await start_notify()
    token = await _mailed_token(notify, smtp_server, activated())

    first = await notify.http.post("/api/v1/set-password", json={"token": token, "password": GOOD_PASSWORD})
    second = await notify.http.post("/api/v1/set-password", json={"token": token, "password": GOOD_PASSWORD})

    assert first.status_code == 204  # no bearer token: the link is the credential
    assert second.status_code == 410
    assert token not in second.text
    record = await notify.welcome_record("c-acme")
    assert record["link"]["used"] is True
    assert GOOD_PASSWORD not in repr(record)
    assert all(token not in r.getMessage() and GOOD_PASSWORD not in r.getMessage() for r in caplog.records)


async def test_r26_expired_link_is_410(start_notify, smtp_server, activated) -> None:
    notify = await start_notify(set_password_ttl_hours=0)
    token = await _mailed_token(notify, smtp_server, activated())

    response = await notify.http.post("/api/v1/set-password", json={"token": token, "password": GOOD_PASSWORD})

    assert response.status_code == 410
    assert "expired" in response.json()["detail"][0]["message"]


async def test_unknown_link_is_404(start_notify) -> None:
    notify = await start_notify()
    response = await notify.http.post("/api/v1/set-password", json={"token": "made-up", "password": GOOD_PASSWORD})
    assert response.status_code == 404


async def test_short_password_is_422_without_echoing_it(start_notify, smtp_server, activated) -> None:
    notify = await start_notify()
    token = await _mailed_token(notify, smtp_server, activated())

    response = await notify.http.post("/api/v1/set-password", json={"token": token, "password": "s3cr3t"})

    assert response.status_code == 422
    assert [v["field"] for v in response.json()["detail"]] == ["password"]
    assert "s3cr3t" not in response.text
    assert token not in response.text
    retry = await notify.http.post("/api/v1/set-password", json={"token": token, "password": GOOD_PASSWORD})
    assert retry.status_code == 204  # a refused password does not burn the link
