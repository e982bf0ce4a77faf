"""One Prometheus registry per service, scraped on `/metrics`.

Every metric, its labels and the dashboard and alerts that read it: docs/metrics.md. What only one service
knows is defined beside it (customer-svc: customers by status, saga durations; platform-svc: the Platform
Manager's status), on this same registry."""

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from mmp_contracts import topics


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
        for topic in topics.ALL:
            self.dead_letters.labels(topic)  # at 0 from the start, so increase() counts a topic's first dead letter
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
        self.consumer_lag = Gauge(
            "mmp_consumer_lag_messages",
            "Messages on the topic not yet taken by this consumer-group member: the partitions' high watermark"
            " minus the member's position, summed over its assigned partitions (mmp_servicekit.gauges)",
            ["group", "topic"],
            registry=self.registry,
        )
        self.gauges_refreshed = Gauge(
            "mmp_gauges_refreshed_timestamp_seconds",
            "When the gauges computed in the background (store counts, consumer lag) were last all refreshed",
            registry=self.registry,
        )
