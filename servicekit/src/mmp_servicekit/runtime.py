"""Everything a running service holds, started and stopped in one place (FastAPI's lifespan)."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from faststream.kafka import KafkaBroker

from mmp_servicekit.broker import BrokerPublisher, make_broker, subscribe
from mmp_servicekit.consumer import EventRouter
from mmp_servicekit.metrics import ServiceMetrics
from mmp_servicekit.relay import OutboxRelay
from mmp_servicekit.repository import A, Mapper, Repository
from mmp_servicekit.settings import ServiceSettings
from mmp_servicekit.store import Collection, Index, Store, open_store
from mmp_servicekit.tracing import configure_tracing

log = logging.getLogger(__name__)

Hook = Callable[[], Awaitable[None]]


@dataclass
class Runtime:
    name: str
    settings: ServiceSettings
    metrics: ServiceMetrics
    broker: KafkaBroker
    store: Store
    relay: OutboxRelay
    router: EventRouter
    on_start: list[Hook] = field(default_factory=list)
    on_stop: list[Hook] = field(default_factory=list)

    @classmethod
    def build(cls, name: str, settings: ServiceSettings, database_name: str | None = None) -> "Runtime":
        configure_tracing(name, settings.otlp_endpoint)
        metrics = ServiceMetrics()
        broker = make_broker(settings, name, metrics)
        publisher = BrokerPublisher(broker)
        return cls(
            name=name,
            settings=settings,
            metrics=metrics,
            broker=broker,
            store=open_store(settings.store_url, database_name or name.replace("-", "_")),
            relay=OutboxRelay(publisher, metrics, settings.relay_sweep_seconds),
            router=EventRouter(publisher, metrics),
        )

    def repository(self, collection: str, mapper: Mapper[A]) -> Repository[A]:
        handle = self.store.collection(collection, [*mapper.indexes, Index.on("pending")])
        self.relay.watch(handle)
        return Repository(handle, mapper, self.relay, source=f"mmp/{self.name}")

    def subscribe(self, topics: str | Sequence[str], group_id: str) -> None:
        """The service's one consumer-group member, feeding its router, paced by the broker's settings."""
        pace = subscribe(self.broker, topics, group_id, self.router, self.settings)
        self.on_start.append(pace.start)
        self.on_stop.append(pace.stop)

    def collection(self, name: str, indexes: Sequence[Index] = ()) -> Collection:
        return self.store.collection(name, indexes)

    async def start(self) -> None:
        await self.store.open()
        for hook in self.on_start:
            await hook()
        await self.broker.start()
        await self.relay.start()

    async def stop(self) -> None:
        """In order: no new messages in, the relay's last events out through the still open producer, the broker,
        the service's own jobs and clients, the store last. A step that fails is logged and the rest still run."""
        steps: list[Hook] = [self._stop_consuming, self.relay.stop, self.broker.stop, *self.on_stop, self.store.close]
        for step in steps:
            try:
                await step()
            except Exception:
                log.exception("%s: stopping %s failed; going on with the rest", self.name, _named(step))

    async def _stop_consuming(self) -> None:
        for subscriber in self.broker.subscribers:
            await subscriber.stop()

    async def readiness(self) -> dict[str, bool]:
        async def database_ok() -> bool:
            try:
                await asyncio.wait_for(self.store.ping(), timeout=2)
                return True
            except Exception:
                return False

        return {"broker": await self.broker.ping(timeout=2), "database": await database_ok()}


def _named(step: Hook) -> str:
    return getattr(step, "__qualname__", repr(step))
