"""Rate, errors and duration of every HTTP route, by its template (`/api/v1/customers/{customer_id}`), so
the series stay few whatever ids are called. A plain ASGI middleware: no per-request object beyond a closure."""

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mmp_servicekit.metrics import ServiceMetrics

UNMATCHED = "unmatched"
"""The route label of a path no route serves (404s): one series for all of them."""


class HttpMetrics:
    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def recorded(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recorded)
        finally:
            route, method = _template(scope), scope["method"]
            self.metrics.http_requests.labels(method, route, str(status)).inc()
            self.metrics.http_seconds.labels(method, route).observe(time.perf_counter() - started)


def _template(scope: Scope) -> str:
    route = scope.get("route")
    return str(getattr(route, "path", UNMATCHED))
