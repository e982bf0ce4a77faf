"""Gauges whose values have to be awaited (a store count, a Kafka consumer's position), kept fresh in the background.

prometheus-client asks its collectors synchronously, inside the scrape, while the store and the Kafka client are
async. So these gauges are not computed at scrape time: a task in the service's own event loop recomputes them
every `REFRESH_SECONDS` and a scrape reads the last values. Not in the `/metrics` request either: a scrape must
never wait on the database, since a slow or unreachable store is exactly when `/metrics` has to answer at once with
everything else it knows. The values are at most one period old (the scrape interval is 15 s);
`mmp_gauges_refreshed_timestamp_seconds` says when they were last all computed, so a dashboard or an alert can tell
a stale value from a steady one.

Nothing starts at import or at build: `refresh_gauges(runtime, ...)`, called by a service's composition root,
hooks the task onto the runtime's start and stop.
"""

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiokafka.errors import IllegalStateError
from faststream.kafka import KafkaBroker

from mmp_servicekit.metrics import ServiceMetrics
from mmp_servicekit.periodic import Periodic
from mmp_servicekit.runtime import Runtime

log = logging.getLogger(__name__)

Refresh = Callable[[], Awaitable[None]]
"""Recomputes some gauges; raises when it could not (the gauges keep their last values)."""

REFRESH_SECONDS = 5.0
POSITION_TIMEOUT_SECONDS = 1.0
"""A partition just assigned may have no position yet: its lag is left out of this round rather than waited for."""


class GaugeRefresher:
    """Runs every source every `seconds`, each on its own: one failing source never holds up the others."""

    def __init__(
        self, name: str, sources: Sequence[Refresh], metrics: ServiceMetrics, seconds: float = REFRESH_SECONDS
    ) -> None:
        self.name = name
        self.sources = list(sources)
        self.metrics = metrics
        self.seconds = seconds
        self._job = Periodic(name, seconds, self.refresh)

    async def refresh(self) -> bool:
        """One round; True when every source succeeded (and the refresh timestamp moved)."""
        ok = True
        for source in self.sources:
            try:
                await source()
            except Exception:
                ok = False
                log.warning("%s: a gauge source failed; its gauges keep their last values", self.name, exc_info=True)
        if ok:
            self.metrics.gauges_refreshed.set(time.time())
        return ok

    async def start(self) -> None:
        await self._job.start()

    async def stop(self) -> None:
        await self._job.stop()


class ConsumerLag:
    """`mmp_consumer_lag_messages{group,topic}`: for each partition this member is assigned, the high watermark of
    its last fetch minus the member's position (the next offset it hands to the handler), summed by topic. Both are
    held by the consumer in memory: no request to the broker. Summed over a group's members (`sum by (group,
    topic)`) it is the group's lag, give or take the messages being handled and not yet committed; what KEDA scales
    on, read from the broker, is the committed offsets' lag (Kafka exporter's `kafka_consumergroup_lag`).

    A topic subscribed with nothing assigned (or not fetched yet) reads 0."""

    def __init__(self, broker: KafkaBroker, metrics: ServiceMetrics) -> None:
        self.broker = broker
        self.metrics = metrics

    async def refresh(self) -> None:
        lags: dict[tuple[str, str], int] = defaultdict(int)
        for subscriber in self.broker.subscribers:
            consumer: Any = getattr(subscriber, "consumer", None)
            group = getattr(subscriber, "group_id", None)
            if consumer is None or not group or not hasattr(consumer, "highwater"):
                continue  # not started (or the test broker's stand-in)
            for topic in consumer.subscription():
                lags[(group, topic)] += 0
            for partition in consumer.assignment():
                lag = await _lag(consumer, partition)
                if lag is not None:
                    lags[(group, partition.topic)] += lag
        # set all at once, no await in between: a scrape sees one round or the other, never half of each
        self.metrics.consumer_lag.clear()
        for (group, topic), lag in lags.items():
            self.metrics.consumer_lag.labels(group, topic).set(lag)


async def _lag(consumer: Any, partition: Any) -> int | None:
    """None when it is not known now: nothing fetched yet, no position yet, or the partition was just revoked."""
    try:
        highwater = consumer.highwater(partition)
        if highwater is None or not _has_position(consumer, partition):
            return None
        position = await asyncio.wait_for(consumer.position(partition), POSITION_TIMEOUT_SECONDS)
    except (AssertionError, IllegalStateError, TimeoutError):
        return None
    return max(int(highwater) - int(position), 0)


def _has_position(consumer: Any, partition: Any) -> bool:
    """Whether `position()` answers at once. Without a position it waits for one and, on the way, raises (and so
    takes away from the consume loop) an error the group coordinator holds: never ask it then. aiokafka says so
    only in its subscription state; should that move in a later version, ask anyway (bounded by the timeout)."""
    try:
        state = consumer._subscription.subscription.assignment.state_value(partition)
    except AttributeError:
        return True
    return bool(state.has_valid_position)


def refresh_gauges(runtime: Runtime, *sources: Refresh, seconds: float = REFRESH_SECONDS) -> GaugeRefresher:
    """The service's background gauges, started and stopped with its runtime: the consumer lag of every service,
    plus what the service computes from its own store (`sources`)."""
    refresher = GaugeRefresher(
        f"{runtime.name}-gauges",
        [ConsumerLag(runtime.broker, runtime.metrics).refresh, *sources],
        runtime.metrics,
        seconds,
    )
    runtime.on_start.append(refresher.start)
    runtime.on_stop.insert(0, refresher.stop)  # before the store closes
    return refresher
