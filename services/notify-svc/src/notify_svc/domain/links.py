"""One-time, expiring set-password links (R26): only the token's SHA-256 hash is ever stored.

The token is the credential of the set-password endpoint, so it never enters a log line, an event
or an API response; the dataclasses keep it out of their repr for the same reason.
"""

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum

MIN_PASSWORD_LENGTH = 8


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedLink:
    token: str = field(repr=False)
    token_hash: str
    expires_at: datetime

    def url(self, portal_url: str) -> str:
        # token_urlsafe is already URL-safe: no quoting needed.
        return f"{portal_url.rstrip('/')}/set-password?token={self.token}"


def issue_link(now: datetime, ttl: timedelta, generate: Callable[[], str] = new_token) -> IssuedLink:
    token = generate()
    return IssuedLink(token=token, token_hash=hash_token(token), expires_at=now + ttl)


@dataclass(frozen=True)
class StoredLink:
    """What the database knows of a link: its hash, its expiry, whether it was redeemed."""

    token_hash: str
    expires_at: datetime
    used: bool


class Redemption(Enum):
    ACCEPTED = "accepted"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


def check_redemption(link: StoredLink | None, now: datetime) -> Redemption:
    """A link works once, until it expires (R26)."""
    if link is None:
        return Redemption.UNKNOWN
    if link.used:
        return Redemption.USED
    if now >= as_utc(link.expires_at):
        return Redemption.EXPIRED
    return Redemption.ACCEPTED


def as_utc(moment: datetime) -> datetime:
    """Drivers may hand back naive datetimes; everything here is written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
