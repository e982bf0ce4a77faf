"""One Prometheus registry per service, scraped on `/metrics`."""

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


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
        self.http_requests = Counter(
            "mmp_http_requests_total",
            "HTTP requests answered, by route template and status code",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.http_seconds = Histogram(
            "mmp_http_request_seconds",
            "Time to answer an HTTP request, by route template",
            ["method", "route"],
            registry=self.registry,
        )
        self.outbox_pending = Gauge(
            "mmp_outbox_pending_documents",
            "Aggregates holding events not yet published, at the relay's last sweep",
            ["collection"],
            registry=self.registry,
        )
        self.outbox_oldest = Gauge(
            "mmp_outbox_oldest_event_age_seconds",
            "Age of the oldest event not yet published, at the relay's last sweep (0 when none)",
            ["collection"],
            registry=self.registry,
        )
