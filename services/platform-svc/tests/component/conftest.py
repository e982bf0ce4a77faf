"""platform-svc on TestKafkaBroker, against the real MiVB, MiCollab and MBG simulators over HTTP.

The simulators run under uvicorn on free local ports, so the service's own httpx client, timeouts
and error handling are exercised as in production.
"""

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import uvicorn
from cryptography.fernet import Fernet
from faststream.kafka import TestKafkaBroker

from mmp_contracts import Message, topics
from mmp_contracts.customer_spec import CustomerSpec
from mmp_contracts.events import CustomerEvent, CustomerRequested, CustomerUpdateRequested, PlatformAssigned
from mmp_servicekit.runtime import Runtime
from mmp_servicekit.testing import EventCapture, envelope, wait_until
from mmp_simulators import create_app
from platform_svc.bootstrap import PlatformSettings, build
from platform_svc.provisioning.handlers.create import CreateHandlers

TOKEN = "test-admin-token"
SECRETS_KEY = Fernet.generate_key().decode()
PM_USERNAME, PM_PASSWORD = "pm-admin", "pm-secret"
BLUEPRINT = "bp-mivb-standard"
SIMULATORS = {  # name -> (product, start-up version)
    "pm": ("pm", "3.0.0.0"),
    "mivb": ("mivb", "10.1.0.0"),
    "mivb2": ("mivb", "10.1.0.0"),  # the other half of a resilient pair
    "micollab": ("micollab", "9.8.0.0"),
    "mbg": ("mbg", "12.0.0.0"),
}
M = TypeVar("M", bound=Message)


@dataclass
class Simulator:
    url: str
    control: httpx.AsyncClient

    async def state(self) -> dict[str, Any]:
        state: dict[str, Any] = (await self.control.get("/_sim/state")).json()
        return state

    async def faults(self, **faults: Any) -> None:
        (await self.control.post("/_sim/faults", json=faults)).raise_for_status()

    async def clear_faults(self) -> None:
        (await self.control.delete("/_sim/faults")).raise_for_status()


Trigger = tuple[Callable[[httpx.Request], bool], Callable[[], Awaitable[None]]]


class Tripwire(httpx.AsyncBaseTransport):
    """The real network transport, plus test actions run when a matching request goes out
    (e.g. take a platform down just as the saga reaches a given step)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.triggers: list[Trigger] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        for matches, action in list(self.triggers):
            if matches(request):
                self.triggers.remove((matches, action))
                await action()
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class Harness:
    runtime: Runtime
    create: CreateHandlers
    capture: EventCapture
    api: httpx.AsyncClient
    sims: dict[str, Simulator]
    tripwire: Tripwire

    @property
    def mivb(self) -> Simulator:
        return self.sims["mivb"]

    @property
    def mbg(self) -> Simulator:
        return self.sims["mbg"]

    @property
    def micollab(self) -> Simulator:
        return self.sims["micollab"]

    @property
    def pm(self) -> Simulator:
        return self.sims["pm"]

    async def pm_ready(self) -> None:
        """The Platform Manager feature enabled and the PM simulator registered (R2)."""
        (await self.api.put("/api/v1/platform-manager/feature", json={"enabled": True})).raise_for_status()
        registration = {"url": self.pm.url, "username": PM_USERNAME, "password": PM_PASSWORD}
        (await self.api.put("/api/v1/platform-manager", json=registration)).raise_for_status()

    async def blueprint_ready(self, blueprint_id: str = BLUEPRINT) -> None:
        await self.pm_ready()
        (await self.api.post("/api/v1/blueprints", json={"blueprint_id": blueprint_id})).raise_for_status()

    def group_body(self, group_id: str = "pg-1", **overrides: Any) -> dict[str, Any]:
        return {
            "id": group_id,
            "name": "Ottawa 1",
            "blueprint_id": BLUEPRINT,
            "mivb_url": self.mivb.url,
            "mivb_secondary_url": self.sims["mivb2"].url,
            "micollab_url": self.micollab.url,
            "sites": [{"id": "ottawa", "name": "Ottawa", "mbg_url": self.mbg.url}],
            **overrides,
        }

    async def create_group(self, group_id: str = "pg-1", **overrides: Any) -> httpx.Response:
        return await self.api.post("/api/v1/platform-groups", json=self.group_body(group_id, **overrides))

    async def start_jobs(self) -> None:
        """The periodic jobs (PM check, group refresh) as `runtime.start` would start them."""
        for hook in self.runtime.on_start:
            await hook()

    def when(self, method: str, url_part: str, action: Callable[[], Awaitable[None]]) -> None:
        """Runs `action` once, just before the service sends the first matching request."""
        self.tripwire.triggers.append((lambda r: r.method == method and url_part in str(r.url), action))

    async def register_group(self, group_id: str = "pg-1", **overrides: Any) -> httpx.Response:
        body = {
            "name": "Ottawa 1",
            "mivb_url": self.mivb.url,
            "micollab_url": self.micollab.url,
            "sites": [{"id": "ottawa", "name": "Ottawa", "mbg_url": self.mbg.url}],
            **overrides,
        }
        return await self.api.put(f"/api/v1/platform-groups/{group_id}", json=body)

    async def send(self, message: CustomerEvent, topic: str | None = None) -> Any:
        event = envelope(message)
        await self.resend(event, topic or message.topic)
        return event

    async def resend(self, event: Any, topic: str) -> None:
        await self.runtime.broker.publish(event.to_json(), topic, key=event.data.customer_id.encode())

    @staticmethod
    def new_customer() -> str:
        return str(uuid.uuid4())

    @staticmethod
    def customer_spec(**spec_changes: Any) -> CustomerSpec:
        """The test customer's spec (see `spec` below), for tests that build their own messages."""
        return spec(**spec_changes)

    @staticmethod
    def requested(customer_id: str, **spec_changes: Any) -> CustomerRequested:
        return CustomerRequested(customer_id=customer_id, task_id=f"task-{customer_id}", spec=spec(**spec_changes))

    async def request(self, customer_id: str, **spec_changes: Any) -> None:
        await self.send(self.requested(customer_id, **spec_changes))

    async def assigned_customer(self) -> str:
        """A new customer the create saga placed on the MiVB and the MBG."""
        customer = self.new_customer()
        await self.request(customer)
        await self.event(PlatformAssigned, customer)
        return customer

    @staticmethod
    def edit(customer_id: str, task_id: str = "task-edit", **after: Any) -> CustomerUpdateRequested:
        """An edit of the test customer from its spec to the spec with `after` changed."""
        return CustomerUpdateRequested(customer_id=customer_id, task_id=task_id, before=spec(), after=spec(**after))

    async def sip_claims(self) -> dict[str, str]:
        return {doc["_id"]: doc["customer_id"] for doc in await self.runtime.collection("sip_usernames").find()}

    async def assignment(self, customer_id: str) -> dict[str, Any]:
        doc = await self.runtime.collection("assignments").get(customer_id)
        assert doc is not None, f"no assignment for {customer_id}"
        return doc

    async def event(self, message_type: type[M], customer_id: str, timeout: float = 5.0) -> M:
        def found() -> list[M]:
            return [e for e in self.capture.of(message_type) if getattr(e, "customer_id", None) == customer_id]

        return (await wait_until(found, timeout, f"{message_type.__name__} for {customer_id}"))[0]

    def events_for(self, customer_id: str) -> list[str]:
        return [e.type for e in self.capture.events if getattr(e.data, "customer_id", None) == customer_id]

    async def settle(self) -> None:
        """Lets the outbox relay publish whatever the last write queued."""
        await self.runtime.relay.flush()


def spec(
    username: str = "ahaddad", dids: tuple[str, str] | None = ("6135924000", "6135924019"), **changes: Any
) -> CustomerSpec:
    data: dict[str, Any] = {
        "details": {"name": "Harbour Dental Group", "webid": "harbour-dental", "contact_email": "it@hd.example"},
        "platform": {"platform_group_id": "pg-1", "extension_length": 4, "dialing_privileges": "national"},
        "time_zone": {"zone": "America/Toronto", "managed_by": "MBG"},
        "cpn_substitutions": [{"dids": "4000-4019", "cpn": "613592xxxx"}],
        "key_templates": ["kt-standard-6930"],
        "did_ranges": [{"start": dids[0], "end": dids[1]}] if dids else [],
        "first_user": {"first_name": "Amira", "last_name": "Haddad", "email": "amira@hd.example", "username": username},
    }
    for section, value in changes.items():
        data[section] = {**data.get(section, {}), **value} if isinstance(value, dict) else value
    return CustomerSpec.model_validate(data)


@pytest.fixture
async def sims() -> AsyncIterator[dict[str, Simulator]]:
    servers: list[tuple[uvicorn.Server, asyncio.Task[None]]] = []
    started: dict[str, Simulator] = {}
    try:
        for name, (product, version) in SIMULATORS.items():
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            config = uvicorn.Config(create_app(product, version), log_level="warning", lifespan="off")
            server = uvicorn.Server(config)
            servers.append((server, asyncio.create_task(server.serve(sockets=[sock]))))
            url = f"http://127.0.0.1:{sock.getsockname()[1]}"
            started[name] = Simulator(url, httpx.AsyncClient(base_url=url, timeout=5))
        await wait_until(lambda: all(server.started for server, _ in servers), 5, "simulators started")
        yield started
    finally:
        for simulator in started.values():
            await simulator.control.aclose()
        for server, _ in servers:
            server.should_exit = True
        await asyncio.gather(*(task for _, task in servers))


@pytest.fixture
def platform_settings(tmp_path: Path) -> PlatformSettings:
    """A test module overrides this fixture to change a setting (e.g. the periodic jobs' intervals)."""
    store_url = f"sqlite://{tmp_path}/platform.db"
    return PlatformSettings(admin_token=TOKEN, relay_sweep_seconds=0.05, secrets_key=SECRETS_KEY, store_url=store_url)  # type: ignore[arg-type]


@pytest.fixture
async def harness(sims: dict[str, Simulator], platform_settings: PlatformSettings) -> AsyncIterator[Harness]:
    settings = platform_settings
    tripwire = Tripwire()
    async with httpx.AsyncClient(transport=tripwire, timeout=httpx.Timeout(5.0, connect=2.0)) as http:
        service = build(settings, http=http)
        runtime = service.runtime
        capture = EventCapture(runtime.broker, topics.PLATFORM_EVENTS)
        transport = httpx.ASGITransport(app=service.app)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with (
            TestKafkaBroker(runtime.broker),
            httpx.AsyncClient(transport=transport, base_url="http://platform-svc", headers=headers) as api,
        ):
            await runtime.store.open()
            await runtime.relay.start()
            # What runtime.start's seeding hook does (kt-standard-6930), without starting the periodic jobs.
            await service.key_templates.seed()
            try:
                yield Harness(runtime, service.create, capture, api, sims, tripwire)
            finally:
                for hook in runtime.on_stop:  # the periodic jobs, if a test started them (http is ours)
                    await hook()
                await runtime.relay.stop()
                await runtime.store.close()


@pytest.fixture
async def registered(harness: Harness) -> Harness:
    """The harness with platform group `pg-1` registered on the three simulators."""
    response = await harness.register_group()
    assert response.status_code == 201, response.text
    return harness


@pytest.fixture
async def from_blueprint(harness: Harness) -> Harness:
    """The harness with the PM registered, its standard blueprint registered and `pg-1` made from it."""
    await harness.blueprint_ready()
    response = await harness.create_group()
    assert response.status_code == 201, response.text
    return harness
