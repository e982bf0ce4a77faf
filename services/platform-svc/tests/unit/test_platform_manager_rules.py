import pytest

from platform_svc.domain import platform_manager as pm
from platform_svc.domain.platform_manager import PmAnswer, PmStatus
from platform_svc.domain.refusals import RefusalKind

pytestmark = pytest.mark.unit

URL = "http://pm:9101"


def test_r2_nothing_before_the_feature_is_enabled_and_the_pm_registered() -> None:
    off = pm.check_feature_enabled(False)
    unregistered = pm.check_registered(None)

    assert off is not None
    assert unregistered is not None
    assert (off.kind, off.violations[0].rule) == (RefusalKind.CONFLICT, "R2")
    assert unregistered.violations[0].message == "no Platform Manager is registered yet"
    assert pm.check_feature_enabled(True) is None
    assert pm.check_registered(URL) is None


def test_r3_credentials_refused_by_the_pm_are_not_stored_with_a_clear_reason() -> None:
    refusal = pm.verification_refusal(URL, pm.refused(URL))

    assert refusal is not None
    assert (refusal.kind, refusal.violations[0].model_dump()) == (
        RefusalKind.INVALID,
        {"field": "password", "rule": "R3", "message": "the Platform Manager refused these credentials"},
    )
    down = pm.verification_refusal(URL, PmAnswer(PmStatus.UNREACHABLE, f"{URL}: HTTP 503 on GET /api/system"))
    assert down is not None
    assert down.violations[0].field == "url"
    assert URL in down.violations[0].message
    assert pm.verification_refusal(URL, pm.accepted("Platform Manager", "3.0", URL)) is None


def test_a_url_that_is_not_a_platform_manager_is_not_accepted() -> None:
    answer = pm.accepted("MiCollab", "9.8", URL)

    assert (answer.status, answer.reason) == (PmStatus.UNREACHABLE, f"{URL} is a MiCollab, not a Platform Manager")


def test_credentials_never_travel_in_the_url() -> None:
    in_url = pm.check_url("http://admin:secret@pm:9101")
    not_http = pm.check_url("ftp://pm")

    assert in_url is not None
    assert "must not carry credentials" in in_url.violations[0].message
    assert "secret" not in in_url.violations[0].message
    assert not_http is not None
    assert pm.check_url(URL) is None


def test_r3_status_changes_are_events_and_steady_states_are_not() -> None:
    rejected = pm.status_change(PmStatus.OK, PmStatus.CREDENTIALS_REJECTED, "refused", URL)

    assert rejected is not None
    assert (rejected.status, rejected.reason, rejected.url) == ("CREDENTIALS_REJECTED", "refused", URL)
    assert rejected.partition_key() == "platform-manager"
    assert pm.status_change(PmStatus.OK, PmStatus.OK, None, URL) is None
    assert pm.status_change(PmStatus.UNREACHABLE, PmStatus.UNREACHABLE, "down", URL) is None
    registered = pm.status_change(PmStatus.NOT_REGISTERED, PmStatus.OK, "registered", URL)
    assert registered is not None
    assert registered.status == "OK"


def test_r3_the_gauge_is_one_only_for_working_credentials() -> None:
    assert [pm.credentials_ok(status) for status in PmStatus] == [1.0, 0.0, 0.0, 0.0]
