"""One-time, expiring set-password links (R26).

The token is the credential of the set-password endpoint, so it never enters a log line, an event, an API
response or the store. It is derived, not drawn: HMAC-SHA256, under the service's secret, of the customer id
and the link's expiry. The record keeps only the token's SHA-256 hash and the expiry, and a mail sent again
after a crash carries the same link as the first, which keeps working.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum

MIN_PASSWORD_LENGTH = 8
PURPOSE = "mmp set-password link v1"
"""Binds the HMAC to this use, so the secret's other uses can never yield a link token."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedLink:
    token: str = field(repr=False)
    token_hash: str
    expires_at: datetime

    def url(self, portal_url: str) -> str:
        # base64url without padding: already URL-safe, no quoting needed.
        return f"{portal_url.rstrip('/')}/set-password?token={self.token}"


@dataclass(frozen=True)
class LinkKey:
    secret: bytes = field(repr=False)
    ttl: timedelta

    def issue(self, customer_id: str, now: datetime) -> IssuedLink:
        return self.reissue(customer_id, now + self.ttl)

    def reissue(self, customer_id: str, expires_at: datetime) -> IssuedLink:
        """The link issued for this customer with this expiry, token and all."""
        message = f"{PURPOSE}\0{customer_id}\0{as_utc(expires_at).isoformat()}".encode()
        digest = hmac.new(self.secret, message, hashlib.sha256).digest()
        token = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        return IssuedLink(token=token, token_hash=hash_token(token), expires_at=expires_at)


@dataclass
class SetPasswordLink:
    """What the record knows of a link: its hash, its expiry, whether it was redeemed."""

    token_hash: str
    expires_at: datetime
    used: bool = False
    used_at: datetime | None = None


class Redemption(Enum):
    ACCEPTED = "accepted"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


def check_redemption(link: SetPasswordLink | None, now: datetime) -> Redemption:
    """A link works once, until it expires (R26)."""
    if link is None:
        return Redemption.UNKNOWN
    if link.used:
        return Redemption.USED
    if now >= as_utc(link.expires_at):
        return Redemption.EXPIRED
    return Redemption.ACCEPTED


def as_utc(moment: datetime) -> datetime:
    """A time without a zone is read as UTC: everything here is written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
