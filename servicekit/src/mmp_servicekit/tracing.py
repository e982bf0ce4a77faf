"""OpenTelemetry traces across the whole saga: the HTTP API, every Kafka hop and every platform call.

A trace crosses Kafka through the outbox: the event stored with a state change keeps the `traceparent` of the
span that wrote it (the CloudEvents distributed-tracing extension), the relay publishes it as a header too, and
the consumer continues the trace from it. Spans are always made, so `traceparent` always travels; they are
recorded and exported over OTLP/HTTP only when `MMP_OTLP_ENDPOINT` is set.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from opentelemetry import context, propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, ParentBased
from opentelemetry.trace import Span, SpanKind

TRACER = "mmp"


def configure_tracing(service: str, otlp_endpoint: str | None) -> None:
    """Once per process (a provider cannot be replaced): a service process runs one service."""
    if isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    # Unexported, spans are not recorded: they still carry valid ids, so traceparent travels at no cost.
    sampler = ParentBased(ALWAYS_ON) if otlp_endpoint else ALWAYS_OFF
    provider = TracerProvider(resource=Resource.create({"service.name": service}), sampler=sampler)
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp_endpoint)))
    trace.set_tracer_provider(provider)


def tracer() -> trace.Tracer:
    return trace.get_tracer(TRACER)


def current_traceparent() -> str | None:
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")


@contextmanager
def continued(name: str, kind: SpanKind, carrier: Mapping[str, str], **attributes: str) -> Iterator[Span]:
    """A span that continues the trace `carrier` names (a `traceparent`), or starts one."""
    token = context.attach(propagate.extract(dict(carrier)))
    try:
        with tracer().start_as_current_span(name, kind=kind, attributes=attributes) as span:
            yield span
    finally:
        context.detach(token)
