"""One Prometheus registry per service, scraped on `/metrics`."""

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Histogram


@dataclass
class ServiceMetrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.handled = Counter(
            "mmp_messages_handled_total", "Messages applied by a handler", ["type"], registry=self.registry
        )
        self.dead_letters = Counter(
            "mmp_dead_letters_total",
            "Messages parked on a dead-letter topic",
            ["topic"],
            registry=self.registry,
        )
        self.platform_calls = Histogram(
            "mmp_platform_call_seconds",
            "Calls to a platform API",
            ["platform", "outcome"],
            registry=self.registry,
        )
