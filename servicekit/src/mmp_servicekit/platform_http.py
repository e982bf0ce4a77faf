"""Calls to the platforms (MiVB, MBG, MiCollab, Platform Manager): one client, one way to fail, timed.

A call that does not succeed raises PlatformCallFailed, which handlers turn into a `...Failed` event: a
business outcome, never a crash. It says whether the platform may have acted (`maybe_applied`), so an undo
knows whether there is something to put back. Writes are idempotent (PUT by id; a DELETE of what is already
gone is done), so a redelivered message can redo its calls safely.
"""

import time
from typing import Any
from urllib.parse import quote

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport
from opentelemetry import propagate
from opentelemetry.trace import SpanKind

from mmp_servicekit.metrics import ServiceMetrics
from mmp_servicekit.tracing import tracer

TIMEOUT = httpx.Timeout(5.0, connect=2.0)

NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol, httpx.InvalidURL)
"""Raised before the request left: the platform cannot have acted on it."""
NOT_APPLIED_STATUS = frozenset({503})
"""A 5xx that says the request was not served at all."""


def new_http_client() -> httpx.AsyncClient:
    """httpx's API over aiohttp's transport: a platform call costs about a third of the CPU of httpx's own."""
    return httpx.AsyncClient(timeout=TIMEOUT, transport=PlatformTransport())


class PlatformTransport(AiohttpTransport):
    """aiohttp under httpx, with each failure named as precisely as httpx's own transport would: whether a
    request can have reached the platform decides whether a call is undone, so a connection dropped after the
    request was sent must never read as a connection that was never made."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except httpx.TransportError as error:
            raise _precisely(error, request) from error.__cause__


def _precisely(error: httpx.TransportError, request: httpx.Request) -> httpx.TransportError:
    cause = error.__cause__
    message = str(cause or error)
    if isinstance(cause, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(message, request=request)
    if isinstance(cause, aiohttp.ClientConnectorError):
        return httpx.ConnectError(message, request=request)
    if isinstance(cause, aiohttp.ServerTimeoutError):
        return httpx.ReadTimeout(message, request=request)
    if isinstance(cause, aiohttp.ServerDisconnectedError):
        return httpx.RemoteProtocolError(message, request=request)
    if isinstance(cause, aiohttp.ClientOSError):
        return httpx.ReadError(message, request=request)
    return error


def path(*segments: str) -> str:
    """`/api/<segment>/...`, each segment escaped, so an id can never reach another resource."""
    return "/api/" + "/".join(quote(segment, safe="") for segment in segments)


class PlatformCallFailed(Exception):
    def __init__(self, where: str, problem: str, maybe_applied: bool, status: int | None = None) -> None:
        super().__init__(f"{where}: {problem}")
        self.reason = f"{where}: {problem}"
        self.problem = problem
        self.maybe_applied = maybe_applied
        self.status = status
        """The HTTP status the platform answered; None when it did not answer."""
        """True when the request may have taken effect (a timeout after it was sent): undo it too."""


class PlatformClient:
    def __init__(self, http: httpx.AsyncClient, metrics: ServiceMetrics) -> None:
        self.http = http
        self.metrics = metrics

    async def call(
        self,
        platform: str,
        method: str,
        base_url: str,
        api_path: str,
        body: dict[str, Any] | None = None,
        auth: httpx.Auth | None = None,
    ) -> httpx.Response:
        """`platform` names it in reasons and metrics (`MiVB`, `MBG`, `MiCollab`, `Platform Manager`); `auth`
        is this call's own credentials, never kept by the client."""
        where, call = f"{platform} {base_url}", f"{method} {api_path}"
        with tracer().start_as_current_span(f"{platform} {method}", kind=SpanKind.CLIENT) as span:
            span.set_attribute("http.request.method", method)
            span.set_attribute("server.address", base_url)
            response = await self._timed(platform, method, base_url, api_path, where, call, body, auth)
            span.set_attribute("http.response.status_code", response.status_code)
        return response

    async def _timed(
        self,
        platform: str,
        method: str,
        base_url: str,
        api_path: str,
        where: str,
        call: str,
        body: dict[str, Any] | None,
        auth: httpx.Auth | None,
    ) -> httpx.Response:
        started = time.perf_counter()
        headers: dict[str, str] = {}
        propagate.inject(headers)
        try:
            url = base_url.rstrip("/") + api_path
            response = await self.http.request(
                method, url, json=body, headers=headers, auth=auth or httpx.USE_CLIENT_DEFAULT
            )
        except NOT_SENT as error:
            self._observe(platform, started, "unreachable")
            raise PlatformCallFailed(where, f"unreachable on {call} ({type(error).__name__})", False) from error
        except httpx.TimeoutException as error:
            self._observe(platform, started, "timeout")
            raise PlatformCallFailed(where, f"{call} timed out", maybe_applied=True) from error
        except httpx.HTTPError as error:  # a connection broken after sending: the platform may have acted
            self._observe(platform, started, "error")
            raise PlatformCallFailed(where, f"{call} failed ({type(error).__name__})", maybe_applied=True) from error
        if response.is_success or (method == "DELETE" and response.status_code == 404):
            self._observe(platform, started, "ok")  # a DELETE of what is already gone has done its work
            return response
        self._observe(platform, started, "refused" if response.status_code < 500 else "error")
        status = response.status_code
        problem = f"HTTP {status} on {call}: {_detail(response)}"
        maybe_applied = status >= 500 and status not in NOT_APPLIED_STATUS
        raise PlatformCallFailed(where, problem, maybe_applied, status)

    def _observe(self, platform: str, started: float, outcome: str) -> None:
        self.metrics.platform_calls.labels(platform, outcome).observe(time.perf_counter() - started)


def _detail(response: httpx.Response) -> str:
    """The platform's own short explanation (it echoes no request data of ours: we send no secret)."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    text = detail if isinstance(detail, str) else response.text
    return text[:300] or response.reason_phrase
