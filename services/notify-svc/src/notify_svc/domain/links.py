"""One-time, expiring set-password links (R26).

The token is the credential of the set-password endpoint, so it never enters a log line, an event, an API
response or the store. It is derived, not drawn: HMAC-SHA256, under the service's secret, of the customer id
and the link's expiry. The record keeps only the token's SHA-256 hash and the expiry, and a mail sent again
after a crash carries the same link as the first, which keeps working.

A link not yet redeemed is withdrawn when its customer can no longer be logged into: converted to demo mode
(R24) or deleted (R23). It is then refused, saying why, until it would have expired and after.
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


class Withdrawal(Enum):
    """Why a link was withdrawn before it was redeemed: its customer can no longer be logged into."""

    DEMO_MODE = "demo_mode"
    """R24: a demo customer can no longer be edited or logged into."""
    DELETED = "deleted"
    """R23: the customer and its users are gone."""


@dataclass
class SetPasswordLink:
    """What the record knows of a link: its hash, its expiry, whether it was redeemed or withdrawn."""

    token_hash: str
    expires_at: datetime
    used: bool = False
    used_at: datetime | None = None
    withdrawn: Withdrawal | None = None
    withdrawn_at: datetime | None = None

    def withdraw(self, why: Withdrawal, now: datetime) -> bool:
        """R23, R24: False when there is nothing (more) to withdraw: the link was redeemed already, or withdrawn
        for this reason or for good (a deletion; a demo customer may still be deleted, never the reverse)."""
        if self.used or self.withdrawn in (why, Withdrawal.DELETED):
            return False
        self.withdrawn, self.withdrawn_at = why, now
        return True


class Redemption(Enum):
    ACCEPTED = "accepted"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    CUSTOMER_IN_DEMO_MODE = "withdrawn: the customer was converted to demo mode and can no longer be logged into"
    CUSTOMER_DELETED = "withdrawn: the customer was deleted"

    @property
    def rule(self) -> str:
        """The rule a refusal of the link cites."""
        return _RULES.get(self, "R26")


_RULES = {Redemption.CUSTOMER_IN_DEMO_MODE: "R24", Redemption.CUSTOMER_DELETED: "R23"}
_WITHDRAWN = {Withdrawal.DEMO_MODE: Redemption.CUSTOMER_IN_DEMO_MODE, Withdrawal.DELETED: Redemption.CUSTOMER_DELETED}


def check_redemption(link: SetPasswordLink | None, now: datetime) -> Redemption:
    """A link works once, until it expires (R26), unless it was withdrawn first (R23, R24)."""
    if link is None:
        return Redemption.UNKNOWN
    if link.used:
        return Redemption.USED
    if link.withdrawn is not None:
        return _WITHDRAWN[link.withdrawn]
    if now >= as_utc(link.expires_at):
        return Redemption.EXPIRED
    return Redemption.ACCEPTED


def as_utc(moment: datetime) -> datetime:
    """A time without a zone is read as UTC: everything here is written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
