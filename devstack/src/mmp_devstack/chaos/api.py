"""How the campaign reaches the system: the HTTP APIs as an administrator's client would (waiting out a service
being restarted), and Kafka as a BSS would (publishing a command again until the broker takes it)."""

import asyncio
import json
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer

from mmp_contracts import topics
from mmp_devstack.config import StackConfig
from mmp_servicekit.settings import KafkaSettings, kafka_security

DOWN_SECONDS = 180.0
"""How long a request waits for a service that refuses connections (it is being restarted) before giving up."""
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def kafka_options(config: StackConfig) -> dict[str, Any]:
    """The stack's broker, with the `MMP_KAFKA_*` security settings when a deployment sets them."""
    return {"bootstrap_servers": config.bootstrap, **kafka_security(KafkaSettings()).client_options()}


class Api:
    """The services' HTTP APIs, with the SP-admin token. Every answer is counted by request kind and status;
    every 5xx is kept (a service must never answer one, chaos or not)."""

    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.http = httpx.AsyncClient(
            timeout=httpx.Timeout(30.0, connect=3.0),
            headers={"Authorization": f"Bearer {config.admin_token}"},
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        )
        self.customer = f"{config.service_urls['customer-svc']}/api/v1"
        self.notify = f"{config.service_urls['notify-svc']}/api/v1"
        self.answers: Counter[tuple[str, int]] = Counter()
        self.server_errors: list[str] = []
        self.unanswered: Counter[str] = Counter()
        """Requests that may have been served but whose answer never came (a service killed while answering)."""

    async def close(self) -> None:
        await self.http.aclose()

    async def call(
        self, kind: str, method: str, url: str, body: Any = None, *, repeatable: bool = False
    ) -> httpx.Response | None:
        """The answer; None when the request may have been served but no answer came, and repeating it is not
        harmless (`repeatable`: a read, or a create carrying its own CloudEvent id). A refused connection means
        the request never left: it is tried again until the service is back."""
        deadline = time.monotonic() + DOWN_SECONDS
        while True:
            try:
                response = await self.http.request(method, url, json=body)
            except NOT_SENT:
                if time.monotonic() > deadline:
                    self.unanswered[kind] += 1
                    return None
                await asyncio.sleep(0.5)
                continue
            except httpx.HTTPError:
                self.unanswered[kind] += 1
                if repeatable and time.monotonic() < deadline:
                    await asyncio.sleep(0.5)
                    continue
                return None
            self.answers[(kind, response.status_code)] += 1
            if response.status_code >= 500:
                self.server_errors.append(f"{method} {url} -> {response.status_code}: {response.text[:200]}")
                if repeatable and time.monotonic() < deadline:
                    await asyncio.sleep(0.5)
                    continue
            return response

    async def get(self, kind: str, url: str, params: dict[str, Any] | None = None) -> Any:
        """A read that must succeed: its JSON, or None for a 404."""
        if params:
            url = str(httpx.URL(url, params=params))
        response = await self.call(kind, "GET", url, repeatable=True)
        if response is None:
            raise ConnectionError(f"GET {url}: no answer in {DOWN_SECONDS:.0f} s")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()

    async def customer_record(self, customer_id: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = await self.get("read customer", f"{self.customer}/customers/{customer_id}")
        return found

    async def task(self, task_id: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = await self.get("read task", f"{self.customer}/tasks/{task_id}")
        return found

    async def listing(self, status: str | None = None, webid: str | None = None) -> list[dict[str, Any]]:
        """Every customer (of a status, or of a WebID), newest first, page after page."""
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": 500}
        if status:
            params["status"] = status
        if webid:
            params["webid"] = webid
        while True:
            page = await self.get("list customers", f"{self.customer}/customers", {**params, "offset": len(found)})
            found += page["items"]
            if len(page["items"]) < params["limit"]:
                return found

    async def simulator(self, product: str) -> dict[str, Any]:
        state: dict[str, Any] = await self.get("simulator state", f"{self.config.simulator_urls[product]}/_sim/state")
        return state

    async def faults(self, product: str, **faults: Any) -> None:
        url = f"{self.config.simulator_urls[product]}/_sim/faults"
        await self.call("simulator faults", "POST", url, faults, repeatable=True)

    async def clear_faults(self) -> None:
        for url in self.config.simulator_urls.values():
            await self.call("simulator faults", "DELETE", f"{url}/_sim/faults", repeatable=True)

    async def mails(self) -> list[dict[str, Any]]:
        url = f"{self.config.url(self.config.ports.mail_http)}/messages"
        found: list[dict[str, Any]] = await self.get("mail catcher", url)
        return found


class Commands:
    """Publishes on Kafka as a BSS does: each message again until the broker takes it (a message is its source
    and id, so a copy has no second effect)."""

    def __init__(self, config: StackConfig, idempotent: bool) -> None:
        self.producer = AIOKafkaProducer(
            **kafka_options(config),
            acks="all",
            enable_idempotence=idempotent,
            linger_ms=0,
            request_timeout_ms=10_000,
            max_request_size=2_000_000,
        )
        self.retried = 0

    async def start(self) -> None:
        await self.producer.start()

    async def stop(self) -> None:
        await self.producer.stop()

    async def send(
        self, topic: str, value: bytes, key: bytes, headers: Sequence[tuple[str, bytes]] = (), patience: float = 180
    ) -> None:
        deadline = time.monotonic() + patience
        while True:
            try:
                await self.producer.send_and_wait(topic, value, key=key, headers=list(headers) or None)
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                self.retried += 1
                await asyncio.sleep(1.0)

    async def command(self, kind: str, message_id: str, key: str, data: dict[str, Any], binary: bool = False) -> None:
        """A command on customer.commands, structured (the whole event as JSON) or in binary mode (`ce_*`
        headers, the data alone as the value)."""
        if binary:
            headers = [
                ("ce_specversion", b"1.0"),
                ("ce_id", message_id.encode()),
                ("ce_source", b"bss/chaos"),
                ("ce_type", kind.encode()),
                ("content-type", b"application/json"),
            ]
            await self.send(topics.CUSTOMER_COMMANDS, json.dumps(data).encode(), key.encode(), headers)
            return
        event = {
            "specversion": "1.0",
            "id": message_id,
            "source": "bss/chaos",
            "type": kind,
            "datacontenttype": "application/json",
            "data": data,
        }
        headers = [("content-type", b"application/cloudevents+json")]
        await self.send(topics.CUSTOMER_COMMANDS, json.dumps(event).encode(), key.encode(), headers)
