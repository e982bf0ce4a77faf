"""Secrets never default: without one a service stops and names it, and never shows its value."""

import pytest

from mmp_servicekit.settings import ServiceSettings, load

pytestmark = pytest.mark.unit


def test_a_missing_or_short_secret_stops_the_service_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MMP_ADMIN_TOKEN", raising=False)
    monkeypatch.setenv("MMP_TOKEN_SECRET", "too-short")
    with pytest.raises(SystemExit) as stopped:
        load(ServiceSettings)
    message = str(stopped.value)
    assert "MMP_ADMIN_TOKEN: Field required" in message
    assert "MMP_TOKEN_SECRET: Value should have at least 16 items" in message
    assert "too-short" not in message


def test_given_its_secrets_a_service_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MMP_ADMIN_TOKEN", "an-admin-token-of-some-length")
    monkeypatch.setenv("MMP_TOKEN_SECRET", "a-token-secret-of-some-length")
    assert load(ServiceSettings).admin_token.get_secret_value() == "an-admin-token-of-some-length"
