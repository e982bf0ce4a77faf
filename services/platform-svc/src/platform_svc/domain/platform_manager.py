"""The Platform Manager (PM) registration: the feature switch, the R2 order, and the status of the
stored credentials (R3). Pure: the use cases fetch the PM's answer and ask these functions.
"""

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from mmp_contracts.events import PlatformManagerStatusChanged
from platform_svc.domain.refusals import Refusal, RefusalKind

PRODUCT = "Platform Manager"


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


def accepted(product: str, version: str, url: str) -> PmAnswer:
    if product != PRODUCT:
        return PmAnswer(PmStatus.UNREACHABLE, f"{url} is a {product}, not a {PRODUCT}")
    return PmAnswer(PmStatus.OK, version=version)


def refused(url: str) -> PmAnswer:
    return PmAnswer(PmStatus.CREDENTIALS_REJECTED, f"the Platform Manager at {url} refused the stored credentials")


def check_feature_enabled(enabled: bool) -> Refusal | None:
    """R2: nothing Platform Manager related happens before the feature is enabled."""
    if enabled:
        return None
    message = "the Platform Manager feature is disabled; enable it first (PUT /api/v1/platform-manager/feature)"
    return Refusal.of(RefusalKind.CONFLICT, "enabled", "R2", message)


def check_registered(url: str | None) -> Refusal | None:
    """R2: blueprints and rotations need a registered PM."""
    if url:
        return None
    return Refusal.of(RefusalKind.CONFLICT, "url", "R2", "no Platform Manager is registered yet")


def check_url(url: str) -> Refusal | None:
    """Credentials travel in their own fields only: a URL carrying them would be stored and shown in clear."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Refusal.of(RefusalKind.INVALID, "url", "R2", "the Platform Manager URL must be http(s)://host[:port]")
    if parts.username is not None or parts.password is not None:
        message = "the URL must not carry credentials; give them as username and password"
        return Refusal.of(RefusalKind.INVALID, "url", "R2", message)
    return None


def verification_refusal(url: str, answer: PmAnswer) -> Refusal | None:
    """Registration and rotation store credentials only once the PM accepted them (R3)."""
    match answer.status:
        case PmStatus.OK:
            return None
        case PmStatus.CREDENTIALS_REJECTED:
            message = "the Platform Manager refused these credentials"
            return Refusal.of(RefusalKind.INVALID, "password", "R3", message)
        case _:
            message = f"the Platform Manager at {url} could not verify the credentials: {answer.reason}"
            return Refusal.of(RefusalKind.INVALID, "url", "R2", message)


def status_change(
    before: PmStatus, after: PmStatus, reason: str | None, url: str | None
) -> PlatformManagerStatusChanged | None:
    """An event only when the status moves: a steady state is not news, however often it is checked."""
    if before is after:
        return None
    return PlatformManagerStatusChanged(status=after.value, reason=reason, url=url)


def credentials_ok(status: PmStatus) -> float:
    """The gauge's value: 1 only when the stored credentials were accepted at the last check."""
    return 1.0 if status is PmStatus.OK else 0.0
