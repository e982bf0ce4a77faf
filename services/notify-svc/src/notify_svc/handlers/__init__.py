"""notify-svc's use cases, one module per flow: welcome, billing_change, set_password, templates."""

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)
