"""How a message about a customer is answered when the customer may have no assignment here."""

from mmp_servicekit.outbox import Cause
from mmp_servicekit.repository import Repository, Transition
from platform_svc.provisioning.domain.assignment import Assignment


async def answer(
    assignments: Repository[Assignment],
    customer_id: str,
    task_id: str,
    cause: Cause,
    transition: Transition[Assignment],
) -> None:
    """Applies `transition` to the customer's assignment; for a customer without one, to a new one holding
    nothing (RELEASED), which carries the answer's outbox."""
    if (await assignments.change(customer_id, cause, transition)).found:
        return
    stranger = Assignment.holding_nothing(customer_id, task_id)
    events = transition(stranger)
    if events is not None and not await assignments.create(stranger, cause, events):
        await assignments.change(customer_id, cause, transition)  # made meanwhile: answered on it instead
