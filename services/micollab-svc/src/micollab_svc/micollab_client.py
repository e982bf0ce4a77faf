"""Outbound HTTP to the customers' MiCollab servers. Every call is idempotent: PUT by id, DELETE tolerant."""

import time
from typing import Any
from urllib.parse import quote

import httpx

from mmp_servicekit.metrics import ServiceMetrics

TIMEOUT = httpx.Timeout(5.0, connect=2.0)

# Errors raised before the request left: MiCollab cannot have acted on it.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol, httpx.InvalidURL)
# Answers that say the request was not carried out: refused as invalid, or the server not serving at all.
_NOT_APPLIED_STATUS = frozenset({503})


class MiCollabCallFailed(Exception):
    """A MiCollab call that did not succeed: a business failure for the caller, never a crash."""

    def __init__(self, what: str, maybe_applied: bool) -> None:
        super().__init__(what)
        self.what = what
        self.maybe_applied = maybe_applied
        """False when MiCollab surely did nothing (not reached, or refused), so there is nothing to undo."""


class MiCollabClient:
    def __init__(self, http: httpx.AsyncClient, metrics: ServiceMetrics | None = None) -> None:
        self.http = http
        self.metrics = metrics

    async def put_tenant(self, base_url: str, customer_id: str, body: dict[str, Any]) -> None:
        await self._call("PUT", base_url, _path("tenants", customer_id), body)

    async def put_bundle(self, base_url: str, customer_id: str, bundle_id: str, body: dict[str, Any]) -> None:
        await self._call("PUT", base_url, _path("tenants", customer_id, "bundles", bundle_id), body)

    async def delete_bundle(self, base_url: str, customer_id: str, bundle_id: str) -> None:
        """MiCollab answers success when the bundle is already gone."""
        await self._call("DELETE", base_url, _path("tenants", customer_id, "bundles", bundle_id))

    async def put_user(self, base_url: str, customer_id: str, username: str, body: dict[str, Any]) -> None:
        await self._call("PUT", base_url, _path("tenants", customer_id, "users", username), body)

    async def delete_tenant(self, base_url: str, customer_id: str) -> None:
        """Removes the tenant with its bundles and users; MiCollab answers success when it is already gone."""
        await self._call("DELETE", base_url, _path("tenants", customer_id))

    async def _call(self, method: str, base_url: str, path: str, body: dict[str, Any] | None = None) -> None:
        started = time.perf_counter()
        try:
            response = await self.http.request(method, base_url.rstrip("/") + path, json=body)
        except _NOT_SENT as error:
            self._observe(started, "unreachable")
            raise MiCollabCallFailed(f"{method} {path} could not connect ({type(error).__name__})", False) from error
        except httpx.TimeoutException as error:
            self._observe(started, "timeout")
            raise MiCollabCallFailed(f"{method} {path} timed out ({type(error).__name__})", True) from error
        except httpx.HTTPError as error:
            # A connection broken after sending: MiCollab may have done it.
            self._observe(started, "error")
            raise MiCollabCallFailed(f"{method} {path} failed ({type(error).__name__})", True) from error
        if response.is_success or (method == "DELETE" and response.status_code == 404):
            self._observe(started, "ok")  # a DELETE of what is already gone has done its work
            return
        self._observe(started, "error")
        applied = response.status_code >= 500 and response.status_code not in _NOT_APPLIED_STATUS
        raise MiCollabCallFailed(f"{method} {path} answered {response.status_code}{_detail(response)}", applied)

    def _observe(self, started: float, outcome: str) -> None:
        if self.metrics is not None:
            self.metrics.platform_calls.labels("micollab", outcome).observe(time.perf_counter() - started)


def _path(*segments: str) -> str:
    return "/api/" + "/".join(quote(segment, safe="") for segment in segments)


def _detail(response: httpx.Response) -> str:
    """MiCollab's own short explanation, if it gave one (it echoes no request data of ours: we send no secret)."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return ""
    return f" ({str(detail)[:200]})" if detail else ""
