"""How every mail of this service goes out (R26, R27): recorded, then sent, then marked with the outcome.

The record comes first, with the exact message: a crash before the outcome leaves it SENDING, and a
redelivery sends that same message again (at least once, never a different one).
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from mmp_contracts import Message
from mmp_servicekit.outbox import Cause
from mmp_servicekit.repository import Outcome, Repository
from notify_svc.adapters.smtp import Mailer
from notify_svc.domain.mail import OutgoingMail
from notify_svc.handlers import Clock


class MarkableMail(Protocol):
    def mark_sent(self, now: datetime) -> list[Message] | None: ...

    def mark_failed(self, reason: str, now: datetime) -> list[Message] | None: ...


M = TypeVar("M", bound=MarkableMail)

Request = Callable[[], Awaitable[tuple[M, list[Message]] | None]]
"""The mail a message asks for and its events, before anything is sent; None when it asks for none."""


@dataclass(frozen=True)
class Marked(Generic[M]):
    """The outcome a delivery marked its mail with: sent, or failed for `failure`."""

    mail: M
    failure: str | None


class MailDelivery(Generic[M]):
    def __init__(
        self, mails: Repository[M], mailer: Mailer, to_send: Callable[[M], OutgoingMail | None], clock: Clock
    ) -> None:
        self.mails = mails
        self.mailer = mailer
        self.to_send = to_send
        self.clock = clock

    async def deliver(self, mail_id: str, cause: Cause, request: Request[M]) -> Marked[M] | None:
        """Sends the mail recorded under `mail_id`, recording the one `request` makes first if there is none.
        None when this delivery marked nothing: no mail asked for, or another delivery decided it."""
        mail = await self.mails.get(mail_id)
        if mail is None:
            requested = await request()
            if requested is None:
                return None
            mail, events = requested
            # Recorded without the message's id: that is written with the outcome, so a redelivery of this
            # very message still finds the mail to send.
            if not await self.mails.create(mail, Cause(cause.correlation_id), events):
                return None  # a concurrent delivery recorded it first and sends it
        outgoing = self.to_send(mail)
        if outgoing is None:
            return None  # decided once: sent, failed or not wanted
        failure = await self.mailer.send(outgoing)
        now = self.clock()
        outcome = await self.mails.change(
            mail_id,
            cause,
            lambda current: current.mark_sent(now) if failure is None else current.mark_failed(failure, now),
        )
        return Marked(mail, failure) if outcome is Outcome.CHANGED else None
