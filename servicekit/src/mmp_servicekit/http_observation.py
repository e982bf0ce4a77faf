"""Every HTTP request counted, timed and traced by its route template (`/api/v1/customers/{customer_id}`), so
the series stay few whatever ids are called; an incoming `traceparent` is continued. A plain ASGI middleware."""

import time

from opentelemetry.trace import SpanKind
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mmp_servicekit.metrics import ServiceMetrics
from mmp_servicekit.tracing import continued

UNMATCHED = "unmatched"
"""The route label of a path no route serves (404s): one series for all of them."""


class ObservedRequests:
    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status, method = time.perf_counter(), 500, scope["method"]

        async def recorded(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        carrier = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        with continued(method, SpanKind.SERVER, {k: v for k, v in carrier.items() if k == "traceparent"}) as span:
            try:
                await self.app(scope, receive, recorded)
            finally:
                route = _template(scope)
                span.update_name(f"{method} {route}")
                span.set_attribute("http.response.status_code", status)
                self.metrics.http_requests.labels(method, route, str(status)).inc()
                self.metrics.http_seconds.labels(method, route).observe(time.perf_counter() - started)


def _template(scope: Scope) -> str:
    route = scope.get("route")
    return str(getattr(route, "path", UNMATCHED))
