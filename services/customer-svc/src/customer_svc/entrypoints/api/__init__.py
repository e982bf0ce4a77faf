"""customer-svc's HTTP routes, one module per resource, and what they show (views)."""

import uuid

from mmp_servicekit.outbox import Cause


def new_cause() -> Cause:
    """An API request is a message of its own: its id names its task."""
    task_id = str(uuid.uuid4())
    return Cause(correlation_id=task_id, message_id=task_id)
