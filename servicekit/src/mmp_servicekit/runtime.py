"""Everything a running service holds, started and stopped in one place (FastAPI's lifespan)."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from faststream.kafka import KafkaBroker

from mmp_servicekit.broker import BrokerPublisher, make_broker
from mmp_servicekit.consumer import EventRouter
from mmp_servicekit.metrics import ServiceMetrics
from mmp_servicekit.outbox import Aggregates
from mmp_servicekit.relay import OutboxRelay
from mmp_servicekit.settings import ServiceSettings, development_defaults_in_use
from mmp_servicekit.store import Database, close_database, open_database, ping

log = logging.getLogger(__name__)

Hook = Callable[[], Awaitable[None]]


@dataclass
class Runtime:
    name: str
    settings: ServiceSettings
    metrics: ServiceMetrics
    broker: KafkaBroker
    database: Database
    relay: OutboxRelay
    router: EventRouter
    on_start: list[Hook] = field(default_factory=list)
    on_stop: list[Hook] = field(default_factory=list)

    @classmethod
    def build(cls, name: str, settings: ServiceSettings, database_name: str | None = None) -> "Runtime":
        metrics = ServiceMetrics()
        broker = make_broker(settings, name, metrics)
        publisher = BrokerPublisher(broker)
        return cls(
            name=name,
            settings=settings,
            metrics=metrics,
            broker=broker,
            database=open_database(settings.mongo_url, database_name or name.replace("-", "_"), settings.store_dir),
            relay=OutboxRelay(publisher, settings.relay_sweep_seconds),
            router=EventRouter(publisher, metrics),
        )

    def aggregates(self, collection: str) -> Aggregates:
        handle = self.database[collection]
        self.relay.watch(handle)
        return Aggregates(handle, self.relay, source=f"mmp/{self.name}")

    async def start(self) -> None:
        for name in development_defaults_in_use(self.settings):
            log.warning("%s is the public development default: set it anywhere but on a developer's machine", name)
        for hook in self.on_start:
            await hook()
        await self.broker.start()
        await self.relay.start()

    async def stop(self) -> None:
        await self.broker.stop()
        await self.relay.stop()
        for hook in self.on_stop:
            await hook()
        await close_database(self.database)

    async def readiness(self) -> dict[str, bool]:
        async def database_ok() -> bool:
            try:
                await asyncio.wait_for(ping(self.database), timeout=2)
                return True
            except Exception:
                return False

        return {"broker": await self.broker.ping(timeout=2), "database": await database_ok()}
