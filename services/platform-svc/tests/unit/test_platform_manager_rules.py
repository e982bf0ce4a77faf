from datetime import UTC, datetime

import pytest

from platform_svc.management.domain import platform_manager as pm
from platform_svc.management.domain.platform_manager import PlatformManagerRegistration, PmAnswer, PmStatus
from platform_svc.management.domain.refusals import Refusal, RefusalKind

pytestmark = pytest.mark.unit

URL = "http://pm:9101"
NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def refusal_of(check: object, *args: object) -> Refusal:
    with pytest.raises(Refusal) as refused:
        check(*args)  # type: ignore[operator]
    return refused.value


def registered(sealed: str = "sealed-1") -> PlatformManagerRegistration:
    registration = PlatformManagerRegistration(enabled=True)
    registration.store(URL, "pm-admin", sealed, pm.accepted("Platform Manager", "3.0", URL), "registered", NOW)
    return registration


def test_r2_nothing_before_the_feature_is_enabled_and_the_pm_registered() -> None:
    off = refusal_of(pm.check_feature_enabled, False)
    unregistered = refusal_of(PlatformManagerRegistration(enabled=True).stored)

    assert (off.kind, off.violations[0].rule) == (RefusalKind.CONFLICT, "R2")
    assert unregistered.violations[0].message == "no Platform Manager is registered yet"
    assert pm.check_feature_enabled(True) is None
    assert registered().stored() == pm.SealedCredentials(URL, "pm-admin", "sealed-1")
    assert refusal_of(PlatformManagerRegistration().stored).violations[0].field == "enabled"


def test_r3_credentials_refused_by_the_pm_are_not_stored_with_a_clear_reason() -> None:
    refusal = refusal_of(pm.check_verified, URL, pm.refused(URL))

    assert (refusal.kind, refusal.violations[0].model_dump()) == (
        RefusalKind.INVALID,
        {"field": "password", "rule": "R3", "message": "the Platform Manager refused these credentials"},
    )
    down = refusal_of(pm.check_verified, URL, PmAnswer(PmStatus.UNREACHABLE, f"{URL}: HTTP 503 on GET /api/system"))
    assert down.violations[0].field == "url"
    assert URL in down.violations[0].message
    assert pm.check_verified(URL, pm.accepted("Platform Manager", "3.0", URL)) is None
    current = registered()
    with pytest.raises(Refusal):
        current.store(URL, "pm-admin", "sealed-2", pm.refused(URL), "credentials rotated", NOW)
    assert current.stored().sealed_password == "sealed-1"  # the old ones keep serving (R3)


def test_a_url_that_is_not_a_platform_manager_is_not_accepted() -> None:
    answer = pm.accepted("MiCollab", "9.8", URL)

    assert (answer.status, answer.reason) == (PmStatus.UNREACHABLE, f"{URL} is a MiCollab, not a Platform Manager")


def test_credentials_never_travel_in_the_url() -> None:
    in_url = refusal_of(pm.check_url, "http://admin:secret@pm:9101")
    not_http = refusal_of(pm.check_url, "ftp://pm")

    assert "must not carry credentials" in in_url.violations[0].message
    assert "secret" not in in_url.violations[0].message
    assert not_http.kind is RefusalKind.INVALID
    assert pm.check_url(URL) is None


def test_r3_status_changes_are_events_and_steady_states_are_not() -> None:
    rejected = pm.status_change(PmStatus.OK, PmStatus.CREDENTIALS_REJECTED, "refused", URL)

    assert rejected is not None
    assert (rejected.status, rejected.reason, rejected.url) == ("CREDENTIALS_REJECTED", "refused", URL)
    assert rejected.partition_key() == "platform-manager"
    assert pm.status_change(PmStatus.OK, PmStatus.OK, None, URL) is None
    assert pm.status_change(PmStatus.UNREACHABLE, PmStatus.UNREACHABLE, "down", URL) is None
    first = pm.status_change(PmStatus.NOT_REGISTERED, PmStatus.OK, "registered", URL)
    assert first is not None
    assert first.status == "OK"


def test_r3_a_check_records_the_status_and_speaks_only_when_it_moves() -> None:
    current = registered()

    steady = current.checked("sealed-1", pm.accepted("Platform Manager", "3.1", URL), NOW)
    rejected = current.checked("sealed-1", pm.refused(URL), NOW)
    stale = current.checked("sealed-0", pm.accepted("Platform Manager", "3.1", URL), NOW)

    assert steady == []
    assert [event.status for event in rejected or []] == ["CREDENTIALS_REJECTED"]  # type: ignore[attr-defined]
    assert (current.status, current.last_error, current.pm_version) == (
        PmStatus.CREDENTIALS_REJECTED,
        f"the Platform Manager at {URL} refused the stored credentials",
        "3.1",
    )
    assert stale is None  # about credentials replaced meanwhile: not recorded


def test_r3_the_gauge_is_one_only_for_working_credentials() -> None:
    assert [pm.credentials_ok(status) for status in PmStatus] == [1.0, 0.0, 0.0, 0.0]
    current = registered()
    assert current.credentials_ok == 1.0
    current.switch(False)
    assert current.credentials_ok == 0.0
