"""The Platform Manager (PM) registration: the feature switch, the R2 order, and the status of the stored
credentials (R3). The password is held here only sealed (Fernet ciphertext, made and opened by an adapter):
this model never sees it in clear, and no event or view carries it.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar
from urllib.parse import urlsplit

from pydantic import SecretStr

from mmp_contracts import Message
from mmp_contracts.events import PlatformManagerStatusChanged
from platform_svc.management.domain.refusals import Refusal, RefusalKind

PRODUCT = "Platform Manager"
UNREADABLE = "the stored password cannot be decrypted with MMP_SECRETS_KEY (was the key changed?); rotate it"


class PmStatus(StrEnum):
    OK = "OK"
    CREDENTIALS_REJECTED = "CREDENTIALS_REJECTED"
    UNREACHABLE = "UNREACHABLE"
    NOT_REGISTERED = "NOT_REGISTERED"


@dataclass(frozen=True)
class PmAnswer:
    """What the PM said to GET /api/system with some credentials."""

    status: PmStatus
    reason: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class PmCredentials:
    url: str
    username: str
    password: SecretStr
    """SecretStr even in memory, so a repr or a traceback shows `**********`."""


@dataclass(frozen=True)
class SealedCredentials:
    url: str
    username: str
    sealed_password: str


@dataclass
class PlatformManagerRegistration:
    """The one registration (id "pm"); changed only by its own methods, each returning the events to publish."""

    ID: ClassVar[str] = "pm"

    enabled: bool = False
    url: str | None = None
    username: str | None = None
    sealed_password: str | None = None
    status: PmStatus = PmStatus.NOT_REGISTERED
    checked_at: datetime | None = None
    last_error: str | None = None
    pm_version: str | None = None
    """The PM's software version, as it reported it at the last check."""

    @property
    def in_use(self) -> bool:
        """Switched on and registered: what the periodic check (R3) looks at."""
        return self.enabled and self.url is not None

    @property
    def credentials_ok(self) -> float:
        """The gauge's value: 1 only when the feature is on and the stored credentials were accepted last."""
        return credentials_ok(self.status) if self.enabled else 0.0

    def switch(self, enabled: bool) -> list[Message]:
        """Disabling keeps the registration but stops every PM action; groups and customers are not affected."""
        self.enabled = enabled
        return []

    def check_may_register(self, url: str) -> None:
        check_feature_enabled(self.enabled)
        check_url(url)

    def stored(self) -> SealedCredentials:
        """The credentials for a call to the PM (R2: switched on and registered first)."""
        check_feature_enabled(self.enabled)
        if self.url is None or self.username is None or self.sealed_password is None:
            raise Refusal.of(RefusalKind.CONFLICT, "url", "R2", "no Platform Manager is registered yet")
        return SealedCredentials(self.url, self.username, self.sealed_password)

    def store(
        self, url: str, username: str, sealed_password: str, answer: PmAnswer, why: str, now: datetime
    ) -> list[Message]:
        """Registration and rotation (R3): stored only once the PM accepted them, so the credentials stored
        before keep serving until this moment (no downtime)."""
        check_verified(url, answer)
        events = self._record(answer, why, url, now)
        self.url, self.username, self.sealed_password = url, username, sealed_password
        return events

    def checked(self, sealed_password: str, answer: PmAnswer, now: datetime) -> list[Message] | None:
        """The answer to a check of the stored credentials; None when they were replaced meanwhile (the answer
        is about credentials no longer stored) or the feature was switched off."""
        if not self.in_use or sealed_password != self.sealed_password:
            return None
        return self._record(answer, answer.reason, self.url, now)

    def _record(self, answer: PmAnswer, reason: str | None, url: str | None, now: datetime) -> list[Message]:
        changed = status_change(self.status, answer.status, reason, url)
        self.status = answer.status
        self.checked_at = now
        self.last_error = None if answer.status is PmStatus.OK else answer.reason
        self.pm_version = answer.version or self.pm_version
        return [changed] if changed else []


def accepted(product: str, version: str, url: str) -> PmAnswer:
    if product != PRODUCT:
        return PmAnswer(PmStatus.UNREACHABLE, f"{url} is a {product}, not a {PRODUCT}")
    return PmAnswer(PmStatus.OK, version=version)


def refused(url: str) -> PmAnswer:
    return PmAnswer(PmStatus.CREDENTIALS_REJECTED, f"the Platform Manager at {url} refused the stored credentials")


def check_feature_enabled(enabled: bool) -> None:
    """R2: nothing Platform Manager related happens before the feature is enabled."""
    if not enabled:
        message = "the Platform Manager feature is disabled; enable it first (PUT /api/v1/platform-manager/feature)"
        raise Refusal.of(RefusalKind.CONFLICT, "enabled", "R2", message)


def check_url(url: str) -> None:
    """Credentials travel in their own fields only: a URL carrying them would be stored and shown in clear."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refusal.of(RefusalKind.INVALID, "url", "R2", "the Platform Manager URL must be http(s)://host[:port]")
    if parts.username is not None or parts.password is not None:
        message = "the URL must not carry credentials; give them as username and password"
        raise Refusal.of(RefusalKind.INVALID, "url", "R2", message)


def check_verified(url: str, answer: PmAnswer) -> None:
    """Registration and rotation store credentials only once the PM accepted them (R3)."""
    match answer.status:
        case PmStatus.OK:
            return
        case PmStatus.CREDENTIALS_REJECTED:
            message = "the Platform Manager refused these credentials"
            raise Refusal.of(RefusalKind.INVALID, "password", "R3", message)
        case _:
            message = f"the Platform Manager at {url} could not verify the credentials: {answer.reason}"
            raise Refusal.of(RefusalKind.INVALID, "url", "R2", message)


def status_change(
    before: PmStatus, after: PmStatus, reason: str | None, url: str | None
) -> PlatformManagerStatusChanged | None:
    """An event only when the status moves: a steady state is not news, however often it is checked."""
    if before is after:
        return None
    return PlatformManagerStatusChanged(status=after.value, reason=reason, url=url)


def credentials_ok(status: PmStatus) -> float:
    """1 only when the stored credentials were accepted at the last check."""
    return 1.0 if status is PmStatus.OK else 0.0
