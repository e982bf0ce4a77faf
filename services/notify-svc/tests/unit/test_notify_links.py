import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from notify_svc.domain.links import (
    IssuedLink,
    LinkKey,
    Redemption,
    SetPasswordLink,
    check_redemption,
    hash_token,
)

pytestmark = pytest.mark.unit

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
TTL = timedelta(hours=72)
KEY = LinkKey(b"test-secret", TTL)


def _stored(link: IssuedLink, used: bool = False) -> SetPasswordLink:
    return SetPasswordLink(token_hash=link.token_hash, expires_at=link.expires_at, used=used)


def test_r26_token_is_unguessable_and_url_safe() -> None:
    tokens = {KEY.issue(f"c-{n}", NOW).token for n in range(50)}
    assert len(tokens) == 50
    assert all(len(t) >= 43 and all(c.isalnum() or c in "-_" for c in t) for t in tokens)  # 256 bits
    assert KEY.issue("c-1", NOW).token != KEY.issue("c-1", NOW + timedelta(seconds=1)).token
    assert LinkKey(b"another-secret", TTL).issue("c-1", NOW).token != KEY.issue("c-1", NOW).token


def test_the_same_link_can_be_issued_again_from_what_is_stored() -> None:
    first = KEY.issue("c-1", NOW)
    again = KEY.reissue("c-1", first.expires_at)
    assert (again.token, again.token_hash) == (first.token, first.token_hash)


def test_r26_only_the_sha256_of_the_token_is_kept() -> None:
    link = KEY.issue("c-1", NOW)
    assert link.token_hash == hashlib.sha256(link.token.encode()).hexdigest() == hash_token(link.token)
    assert link.token not in repr(link)  # a log of the object would not leak it
    assert "test-secret" not in repr(KEY)


def test_r26_link_expires_after_the_ttl() -> None:
    assert KEY.issue("c-1", NOW).expires_at == NOW + TTL


def test_r26_link_points_at_the_portal_set_password_page() -> None:
    link = IssuedLink(token="abc_-1", token_hash=hash_token("abc_-1"), expires_at=NOW)
    assert link.url("https://portal.example/acme/") == "https://portal.example/acme/set-password?token=abc_-1"


def test_r26_link_works_once() -> None:
    link = KEY.issue("c-1", NOW)
    assert check_redemption(_stored(link), NOW + timedelta(hours=1)) is Redemption.ACCEPTED
    assert check_redemption(_stored(link, used=True), NOW + timedelta(hours=1)) is Redemption.USED


def test_r26_link_is_dead_from_its_expiry_on() -> None:
    link = KEY.issue("c-1", NOW)
    assert check_redemption(_stored(link), link.expires_at - timedelta(seconds=1)) is Redemption.ACCEPTED
    assert check_redemption(_stored(link), link.expires_at) is Redemption.EXPIRED


def test_a_used_link_reports_used_even_once_expired() -> None:
    link = KEY.issue("c-1", NOW)
    assert check_redemption(_stored(link, used=True), NOW + 2 * TTL) is Redemption.USED


def test_unknown_token_is_unknown() -> None:
    assert check_redemption(None, NOW) is Redemption.UNKNOWN


def test_naive_expiry_is_read_as_utc() -> None:
    stored = SetPasswordLink(token_hash="h", expires_at=datetime(2025, 3, 1, 13, 0), used=False)
    assert check_redemption(stored, NOW) is Redemption.ACCEPTED
    assert check_redemption(stored, NOW + timedelta(hours=1)) is Redemption.EXPIRED
