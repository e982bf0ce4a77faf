"""mmp_contracts: every message of the provisioning services. Pure models, no I/O."""

from mmp_contracts.base import Command, Event, Message, Violation
from mmp_contracts.envelope import CloudEvent

__all__ = ["CloudEvent", "Command", "Event", "Message", "Violation"]
