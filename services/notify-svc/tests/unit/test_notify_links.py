import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from notify_svc.domain.links import (
    IssuedLink,
    Redemption,
    StoredLink,
    check_redemption,
    hash_token,
    issue_link,
    new_token,
)

pytestmark = pytest.mark.unit

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
TTL = timedelta(hours=72)


def _stored(link: IssuedLink, used: bool = False) -> StoredLink:
    return StoredLink(token_hash=link.token_hash, expires_at=link.expires_at, used=used)


def test_r26_token_is_random_and_url_safe() -> None:
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(t) >= 43 and all(c.isalnum() or c in "-_" for c in t) for t in tokens)


def test_r26_only_the_sha256_of_the_token_is_kept() -> None:
    link = issue_link(NOW, TTL, generate=lambda: "tok-123")
    assert link.token_hash == hashlib.sha256(b"tok-123").hexdigest() == hash_token("tok-123")
    assert "tok-123" not in repr(link)  # a log of the object would not leak it


def test_r26_link_expires_after_the_ttl() -> None:
    assert issue_link(NOW, TTL).expires_at == NOW + TTL


def test_r26_link_points_at_the_portal_set_password_page() -> None:
    link = issue_link(NOW, TTL, generate=lambda: "abc_-1")
    assert link.url("https://portal.example/acme/") == "https://portal.example/acme/set-password?token=abc_-1"


def test_r26_link_works_once() -> None:
    link = issue_link(NOW, TTL)
    assert check_redemption(_stored(link), NOW + timedelta(hours=1)) is Redemption.ACCEPTED
    assert check_redemption(_stored(link, used=True), NOW + timedelta(hours=1)) is Redemption.USED


def test_r26_link_is_dead_from_its_expiry_on() -> None:
    link = issue_link(NOW, TTL)
    assert check_redemption(_stored(link), link.expires_at - timedelta(seconds=1)) is Redemption.ACCEPTED
    assert check_redemption(_stored(link), link.expires_at) is Redemption.EXPIRED


def test_a_used_link_reports_used_even_once_expired() -> None:
    link = issue_link(NOW, TTL)
    assert check_redemption(_stored(link, used=True), NOW + 2 * TTL) is Redemption.USED


def test_unknown_token_is_unknown() -> None:
    assert check_redemption(None, NOW) is Redemption.UNKNOWN


def test_naive_expiry_from_the_database_is_read_as_utc() -> None:
    stored = StoredLink(token_hash="h", expires_at=datetime(2025, 3, 1, 13, 0), used=False)
    assert check_redemption(stored, NOW) is Redemption.ACCEPTED
    assert check_redemption(stored, NOW + timedelta(hours=1)) is Redemption.EXPIRED
