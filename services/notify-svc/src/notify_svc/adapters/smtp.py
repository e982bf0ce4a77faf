"""Sends mail over SMTP with aiosmtplib: bounded retries for transient faults, a reason otherwise.

An SMTP failure is a business outcome (WelcomeMailFailed), not an exception: `send` returns the
reason instead of raising. Log lines and reasons name the server and the error, never the body.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_chain,
    wait_fixed,
    wait_none,
)

from notify_svc.domain.mail import OutgoingMail

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}


@dataclass(frozen=True)
class SmtpTarget:
    hostname: str
    port: int
    use_tls: bool = False
    username: str | None = None
    password: str | None = None

    def __repr__(self) -> str:  # keeps a password given in the URL out of any log line
        return f"SmtpTarget({self.hostname}:{self.port}, tls={self.use_tls})"


def parse_smtp_url(url: str) -> SmtpTarget:
    """`smtp://host:port` or `smtps://user:password@host:port`."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError("smtp_url must look like smtp://host:port or smtps://host:port")
    return SmtpTarget(
        hostname=parts.hostname,
        port=parts.port or DEFAULT_PORTS[parts.scheme],
        use_tls=parts.scheme == "smtps",
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def to_email(mail: OutgoingMail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = mail.sender
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Message-ID"] = mail.message_id
    message["Date"] = formatdate(usegmt=True)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to us
    message.set_content(mail.body)
    return message


class Mailer(Protocol):
    async def send(self, mail: OutgoingMail) -> str | None:
        """None once the server accepted the mail, else why it did not."""
        ...


SMTP_FAULTS = (aiosmtplib.SMTPException, OSError, TimeoutError)


class SmtpMailer:
    def __init__(self, target: SmtpTarget, timeout: float, backoff: Sequence[float], retry_budget: float = 5.0) -> None:
        self.target = target
        self.timeout = timeout
        self.backoff = backoff
        self.retry_budget = retry_budget
        """No new attempt starts after this many seconds: a hung server gets one try, not a queue of them."""

    async def send(self, mail: OutgoingMail) -> str | None:
        """None when the server accepted the mail, else why it did not."""
        message = to_email(mail)

        def retrying(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            log.warning("mail %s attempt %d failed (%s); retrying", mail.message_id, state.attempt_number, error)

        try:
            async for attempt in AsyncRetrying(
                retry=retry_if_exception(_transient),
                # wait_none after the pauses: the wait is worked out even after the last attempt
                wait=wait_chain(*(wait_fixed(pause) for pause in self.backoff), wait_none()),
                stop=stop_after_attempt(len(self.backoff) + 1) | stop_before_delay(self.retry_budget),
                before_sleep=retrying,
                reraise=True,
            ):
                with attempt:
                    await aiosmtplib.send(
                        message,
                        hostname=self.target.hostname,
                        port=self.target.port,
                        use_tls=self.target.use_tls,
                        username=self.target.username,
                        password=self.target.password,
                        timeout=self.timeout,
                    )
        except SMTP_FAULTS as error:
            return f"SMTP {self.target.hostname}:{self.target.port}: {type(error).__name__}: {error}"[:500]
        return None


def _transient(error: BaseException) -> bool:
    return isinstance(error, SMTP_FAULTS) and not _permanent(error)


def _permanent(error: BaseException) -> bool:
    """5xx replies and refused recipients will not change on a retry."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return True
    return isinstance(error, aiosmtplib.SMTPResponseException) and error.code >= 500
