"""Outbound HTTP to the platforms (MiVB, MiCollab, MBG) through the service's one httpx client.

A failed call raises PlatformCallFailed with a reason naming the platform and its address; the
handlers turn it into a `...Failed` event. Every write is idempotent: PUT by id, and DELETE treats
404 as done, so a redelivered message can redo its calls safely.
"""

from typing import Any
from urllib.parse import quote

import httpx

from platform_svc.domain.groups import Probe, SystemInfo, Unreachable

TIMEOUT = httpx.Timeout(5.0, connect=2.0)


def new_http_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=TIMEOUT)


class PlatformCallFailed(Exception):
    def __init__(self, where: str, problem: str, maybe_applied: bool) -> None:
        super().__init__(f"{where}: {problem}")
        self.reason = f"{where}: {problem}"
        self.problem = problem
        self.maybe_applied = maybe_applied
        """True when the request may have taken effect (a timeout after it was sent): undo it too."""


class Platforms:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def probe(self, label: str, url: str) -> Probe:
        try:
            info = (await self._send(label, "GET", url, "/api/system")).json()
            return SystemInfo(str(info["product"]), str(info["version"]), info.get("rest_api_scripts"))
        except PlatformCallFailed as failure:
            return Unreachable(failure.problem)
        except (ValueError, KeyError, TypeError, AttributeError):
            return Unreachable("GET /api/system answered no product and version")

    async def hunt_groups(self, url: str) -> list[dict[str, Any]]:
        response = await self._send("MiVB", "GET", url, "/api/hunt-groups")
        try:
            groups = response.json()
        except ValueError as error:
            raise PlatformCallFailed(f"MiVB {url}", "GET /api/hunt-groups answered no JSON", False) from error
        return [group for group in groups if isinstance(group, dict)] if isinstance(groups, list) else []

    async def put_mivb_tenant(self, url: str, tenant_id: str, body: dict[str, Any]) -> None:
        await self._send("MiVB", "PUT", url, f"/api/tenants/{_seg(tenant_id)}", body)

    async def put_mivb_dids(self, url: str, tenant_id: str, did_range: str) -> None:
        await self._send("MiVB", "PUT", url, f"/api/tenants/{_seg(tenant_id)}/dids/{_seg(did_range)}")

    async def delete_mivb_tenant(self, url: str, tenant_id: str) -> None:
        await self._send("MiVB", "DELETE", url, f"/api/tenants/{_seg(tenant_id)}")

    async def delete_mivb_dids(self, url: str, tenant_id: str, did_range: str) -> None:
        await self._send("MiVB", "DELETE", url, f"/api/tenants/{_seg(tenant_id)}/dids/{_seg(did_range)}")

    async def put_mbg_customer(self, url: str, customer_id: str, body: dict[str, Any]) -> None:
        await self._send("MBG", "PUT", url, f"/api/customers/{_seg(customer_id)}", body)

    async def put_mbg_sip_user(self, url: str, customer_id: str, username: str, body: dict[str, Any]) -> None:
        await self._send("MBG", "PUT", url, f"/api/customers/{_seg(customer_id)}/sip-users/{_seg(username)}", body)

    async def delete_mbg_customer(self, url: str, customer_id: str) -> None:
        await self._send("MBG", "DELETE", url, f"/api/customers/{_seg(customer_id)}")

    async def delete_mbg_sip_user(self, url: str, customer_id: str, username: str) -> None:
        await self._send("MBG", "DELETE", url, f"/api/customers/{_seg(customer_id)}/sip-users/{_seg(username)}")

    async def _send(
        self, label: str, method: str, base_url: str, path: str, body: dict[str, Any] | None = None
    ) -> httpx.Response:
        where, call = f"{label} {base_url}", f"{method} {path}"
        try:
            response = await self.http.request(method, base_url.rstrip("/") + path, json=body)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            # Nothing reached the platform, so nothing to undo.
            raise PlatformCallFailed(where, f"unreachable on {call} ({type(error).__name__})", False) from error
        except httpx.TimeoutException as error:
            raise PlatformCallFailed(where, f"{call} timed out", maybe_applied=True) from error
        except httpx.HTTPError as error:
            raise PlatformCallFailed(where, f"{call} failed ({type(error).__name__})", maybe_applied=True) from error
        if method == "DELETE" and response.status_code == 404:
            return response  # already gone: the undo is done
        if response.is_error:
            problem = f"HTTP {response.status_code} on {call}: {_detail(response)}"
            # A refusal (4xx) or 503 (not served) changed nothing; other 5xx may have half-applied.
            status = response.status_code
            raise PlatformCallFailed(where, problem, maybe_applied=status >= 500 and status != 503)
        return response


def _seg(value: str) -> str:
    return quote(value, safe="")


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    text = detail if isinstance(detail, str) else response.text
    return text[:300] or response.reason_phrase
