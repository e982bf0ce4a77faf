"""What every mail of this service is: the message handed to the SMTP server, and where its record stands.

A mail is recorded before it is sent, then marked with the outcome, so a crash in between sends the same
message again on redelivery (at least once), never a different one.
"""

from dataclasses import dataclass, field
from enum import StrEnum


class MailStatus(StrEnum):
    SENDING = "sending"
    """Recorded with its exact message; the SMTP server may or may not have it. A redelivery sends it again."""
    SENT = "sent"
    FAILED = "failed"
    NOT_WANTED = "not_wanted"


@dataclass(frozen=True)
class OutgoingMail:
    sender: str
    recipient: str
    subject: str
    body: str = field(repr=False)  # a welcome mail's carries the set-password link
    message_id: str


def mail_domain(sender: str) -> str:
    return sender.rpartition("@")[2] or "mmp.invalid"
