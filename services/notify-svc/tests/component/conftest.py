import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from faststream.kafka import KafkaBroker, TestKafkaBroker

from mmp_contracts import topics
from mmp_contracts.customer_spec import FirstUser
from mmp_contracts.events import CustomerActivated, CustomerEvent
from mmp_servicekit.repository import Repository
from mmp_servicekit.runtime import Runtime
from mmp_servicekit.store import Collection, Document
from mmp_servicekit.testing import EventCapture, envelope
from notify_svc.bootstrap import NotifySettings, build
from notify_svc.domain.billing_change import BillingChangeMail
from notify_svc.domain.welcome import WelcomeMail

ADMIN = {"Authorization": "Bearer test-admin-token"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """An aiosmtpd handler keeping what it received; runs on the Controller's thread."""

    def __init__(self) -> None:
        self.mails: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, smtp_envelope: Any) -> str:
        parsed = message_from_bytes(smtp_envelope.original_content, policy=default)
        assert isinstance(parsed, EmailMessage)
        self.mails.append((list(smtp_envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    url: str
    inbox: Inbox


@pytest.fixture
def serve_smtp() -> Iterator[Callable[[Any], str]]:
    """Starts a real SMTP server (aiosmtpd) with the given handler; returns its smtp:// URL."""
    controllers: list[Controller] = []

    def serve(handler: Any) -> str:
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return f"smtp://127.0.0.1:{port}"

    try:
        yield serve
    finally:
        for controller in controllers:
            controller.stop()


@pytest.fixture
def smtp_server(serve_smtp: Callable[[Any], str]) -> SmtpServer:
    inbox = Inbox()
    return SmtpServer(url=serve_smtp(inbox), inbox=inbox)


@dataclass
class Service:
    runtime: Runtime
    welcome_mails: Repository[WelcomeMail]
    billing_change_mails: Repository[BillingChangeMail]
    capture: EventCapture
    http: httpx.AsyncClient

    @property
    def broker(self) -> KafkaBroker:
        return self.runtime.broker

    async def publish(self, event: CustomerEvent, *, times: int = 1) -> None:
        body = envelope(event, correlation_id=event.task_id).to_json()
        for _ in range(times):
            await self.broker.publish(body, topics.CUSTOMER_EVENTS, key=event.customer_id.encode())

    async def welcome_record(self, customer_id: str) -> dict[str, Any] | None:
        """The stored document, as it is: what must (not) be at rest."""
        return await self.welcome_mails.collection.get(customer_id)

    async def billing_change_record(self, task_id: str) -> dict[str, Any] | None:
        return await self.billing_change_mails.collection.get(task_id)


Start = Callable[..., Awaitable[Service]]


class DiesOnceAfterTheSend:
    """A collection (the store port) of a process that dies once right after the SMTP server took a mail,
    before its outcome is written: the first write that records a mail as sent raises, as a crash there
    would. The message is then delivered again (here: the router's retry)."""

    def __init__(self, inner: Collection) -> None:
        self.inner = inner
        self.name = inner.name
        self.deaths = 0

    def _die_once(self, doc: Document) -> None:
        if doc.get("status") == "sent" and not self.deaths:
            self.deaths += 1
            raise ConnectionError("the process died between the send and its record")

    async def get(self, doc_id: str) -> Document | None:
        return await self.inner.get(doc_id)

    async def insert(self, doc: Document) -> None:
        self._die_once(doc)
        await self.inner.insert(doc)

    async def replace(self, doc: Document, *, version: int) -> bool:
        self._die_once(doc)
        return await self.inner.replace(doc, version=version)

    async def put(self, doc: Document) -> None:
        self._die_once(doc)
        await self.inner.put(doc)

    async def delete(self, doc_id: str, *, version: int | None = None) -> bool:
        return await self.inner.delete(doc_id, version=version)

    async def find(self, where: Any = None, **options: Any) -> list[Document]:
        return await self.inner.find(where, **options)

    async def count(self, where: Any = None) -> int:
        return await self.inner.count(where)


@pytest.fixture
async def start_notify(smtp_server: SmtpServer, tmp_path: Path) -> AsyncIterator[Start]:
    """Builds notify-svc on TestKafkaBroker, pointed at the real SMTP server unless told otherwise."""
    async with AsyncExitStack() as stack:

        async def start(**overrides: Any) -> Service:
            options: dict[str, Any] = {
                "smtp_url": smtp_server.url,
                "smtp_retry_backoff_seconds": [0.01, 0.02],
                "admin_token": "test-admin-token",
                "store_url": f"sqlite://{tmp_path / 'notify.db'}",
                **overrides,
            }
            built = build(NotifySettings(**options))
            runtime = built.runtime
            capture = EventCapture(runtime.broker, topics.NOTIFY_EVENTS)
            await stack.enter_async_context(TestKafkaBroker(runtime.broker))
            await runtime.store.open()
            stack.push_async_callback(runtime.store.close)
            for hook in runtime.on_start:  # what the lifespan would run: seeding
                await hook()
            await runtime.relay.start()
            stack.push_async_callback(runtime.relay.stop)
            transport = httpx.ASGITransport(app=built.app)
            http = await stack.enter_async_context(httpx.AsyncClient(transport=transport, base_url="http://notify"))
            return Service(runtime, built.welcome_mails, built.billing_change_mails, capture, http)

        yield start


def _activated(**changes: Any) -> CustomerActivated:
    fields: dict[str, Any] = {
        "customer_id": "c-acme",
        "task_id": "task-acme",
        "webid": "acme",
        "name": "Acme Ltd",
        "contact_email": "it@acme.example",
        "portal_url": "https://portal.mmp.example/acme",
        "first_user": FirstUser(first_name="Ada", last_name="Lovelace", email="ada@acme.example", username="ada.l"),
        "send_welcome_mail": True,
        "welcome_mail_template_id": None,
    }
    return CustomerActivated.model_validate({**fields, **changes})


@pytest.fixture
def activated() -> Callable[..., CustomerActivated]:
    """A CustomerActivated for Acme, with any field changed."""
    return _activated


@pytest.fixture
def dead_smtp_url() -> str:
    """An SMTP URL nothing listens on: connections are refused."""
    return f"smtp://127.0.0.1:{free_port()}"
