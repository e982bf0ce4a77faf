"""The services' own counters over a campaign in which their processes die: every process is scraped often and
just before the campaign stops it, and a counter's campaign total is the sum over the lives of each process of
the last value seen in that life, less what it stood at when the campaign began."""

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import httpx
from prometheus_client.parser import text_string_to_metric_families

Labels = tuple[tuple[str, str], ...]
Sample = tuple[str, Labels]
"""A sample's name (with its `_total`, `_count` or `_bucket` suffix) and its labels, sorted."""

COUNTED = (
    "mmp_messages_handled_total",
    "mmp_dead_letters_total",
    "mmp_platform_call_seconds_count",
    "mmp_platform_call_seconds_bucket",
    "mmp_http_requests_total",
    "faststream_received_messages_total",
    "faststream_received_processed_messages_total",
    "faststream_received_processed_messages_exceptions_total",
    "faststream_published_messages_total",
    "faststream_published_messages_exceptions_total",
)
GAUGES = ("mmp_outbox_pending_documents", "mmp_outbox_oldest_event_age_seconds", "mmp_consumer_lag_messages")


def parse(text: str) -> tuple[dict[Sample, float], dict[Sample, float]]:
    """The counters and the gauges this campaign reads, from one scrape."""
    counters: dict[Sample, float] = {}
    gauges: dict[Sample, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            key = (sample.name, tuple(sorted(sample.labels.items())))
            if sample.name in COUNTED:
                counters[key] = sample.value
            elif sample.name in GAUGES:
                gauges[key] = sample.value
    return counters, gauges


@dataclass
class Life:
    """One process's run, from start to death: its counters as last seen."""

    last: dict[Sample, float] = field(default_factory=dict)


@dataclass
class Ledger:
    """Counters per process (`customer-svc`, `customer-svc-2`, ...), summed over each process's lives."""

    urls: dict[str, str]
    """The processes scraped now, by name: the campaign adds a second instance while it runs."""
    lives: dict[str, list[Life]] = field(default_factory=dict)
    baseline: dict[Sample, float] = field(default_factory=dict)
    gauges: dict[str, dict[Sample, float]] = field(default_factory=dict)
    failed_scrapes: int = 0

    def __post_init__(self) -> None:
        self.http = httpx.AsyncClient(timeout=3)
        for name in self.urls:
            self.lives[name] = [Life()]

    async def close(self) -> None:
        await self.http.aclose()

    async def begin(self) -> None:
        """What the counters stood at before the campaign (a stack `--attach`ed to has a past)."""
        await self.scrape()
        self.baseline = self.totals()

    def add(self, name: str, url: str) -> None:
        self.urls[name] = url
        self.lives.setdefault(name, []).append(Life())

    def remove(self, name: str) -> None:
        self.urls.pop(name, None)
        self.gauges.pop(name, None)

    def died(self, name: str) -> None:
        """The process is about to be killed or stopped: what it counts from its next start is a new life."""
        self.lives[name].append(Life())

    async def scrape(self, names: Iterable[str] | None = None) -> None:
        chosen = list(names) if names is not None else list(self.urls)
        await asyncio.gather(*(self._scrape(name) for name in chosen if name in self.urls))

    async def _scrape(self, name: str) -> None:
        try:
            response = await self.http.get(f"{self.urls[name]}/metrics")
            response.raise_for_status()
        except httpx.HTTPError:
            self.failed_scrapes += 1  # down (being restarted): its last life keeps what was seen
            return
        counters, gauges = parse(response.text)
        self.lives[name][-1].last = counters
        self.gauges[name] = gauges

    def totals(self) -> dict[Sample, float]:
        summed: dict[Sample, float] = defaultdict(float)
        for lives in self.lives.values():
            for life in lives:
                for key, value in life.last.items():
                    summed[key] += value
        return dict(summed)

    def campaign(self) -> dict[Sample, float]:
        """Each counter's increase over the campaign, every process and life summed."""
        return {key: value - self.baseline.get(key, 0.0) for key, value in self.totals().items()}

    def gauge_sum(self, name: str) -> float:
        return sum(value for gauges in self.gauges.values() for (sample, _), value in gauges.items() if sample == name)

    async def keep_scraping(self, every: float, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.scrape()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)


def total(counters: dict[Sample, float], name: str, **labels: str) -> float:
    """The sum of a counter's samples whose labels include `labels`."""
    return sum(
        value
        for (sample, sample_labels), value in counters.items()
        if sample == name and all((key, wanted) in sample_labels for key, wanted in labels.items())
    )


def by_label(counters: dict[Sample, float], name: str, label: str) -> dict[str, float]:
    found: dict[str, float] = defaultdict(float)
    for (sample, sample_labels), value in counters.items():
        if sample == name:
            found[dict(sample_labels).get(label, "")] += value
    return dict(found)
