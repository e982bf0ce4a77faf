"""Use cases of platform management: load through a repository, ask the aggregate, save, call the platforms."""

import uuid
from datetime import UTC, datetime

from mmp_servicekit.outbox import Cause


def api_cause() -> Cause:
    """A write asked for over HTTP (or by a periodic job): no message, a correlation of its own."""
    return Cause(correlation_id=str(uuid.uuid4()))


def now() -> datetime:
    return datetime.now(UTC)
