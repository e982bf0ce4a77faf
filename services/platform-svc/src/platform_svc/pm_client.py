"""Outbound HTTP to the Platform Manager, with HTTP Basic auth, through the service's one httpx client.

Answers are typed, never exceptions: `PmAnswer` says why a call did not give what was asked. A reason
never quotes the PM's response body nor the request, so no credential can travel into a message.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import SecretStr, ValidationError

from platform_svc.domain.blueprints import OfferedBlueprint
from platform_svc.domain.platform_manager import PmAnswer, PmStatus, accepted, refused


@dataclass(frozen=True)
class PmCredentials:
    url: str
    username: str
    password: SecretStr
    """SecretStr even in memory, so a repr or a traceback shows `**********`."""


class PmClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def system(self, pm: PmCredentials) -> PmAnswer:
        got = await self._get(pm, "/api/system")
        if isinstance(got, PmAnswer):
            return got
        try:
            return accepted(str(got["product"]), str(got["version"]), pm.url)
        except (KeyError, TypeError):
            return PmAnswer(PmStatus.UNREACHABLE, f"{pm.url}: GET /api/system answered no product and version")

    async def blueprints(self, pm: PmCredentials) -> list[OfferedBlueprint] | PmAnswer:
        got = await self._get(pm, "/api/blueprints")
        if isinstance(got, PmAnswer):
            return got
        try:
            return [OfferedBlueprint.model_validate(item) for item in got]
        except (ValidationError, TypeError):
            return PmAnswer(PmStatus.UNREACHABLE, f"{pm.url}: GET /api/blueprints answered no list of blueprints")

    async def blueprint(self, pm: PmCredentials, blueprint_id: str) -> OfferedBlueprint | PmAnswer | None:
        """The blueprint, None when the PM does not offer it, or why the PM could not be asked."""
        got = await self._get(pm, f"/api/blueprints/{quote(blueprint_id, safe='')}", missing_ok=True)
        if got is None or isinstance(got, PmAnswer):
            return got
        try:
            return OfferedBlueprint.model_validate(got)
        except ValidationError:
            return PmAnswer(PmStatus.UNREACHABLE, f"{pm.url}: GET /api/blueprints/{blueprint_id} answered no blueprint")

    async def _get(self, pm: PmCredentials, path: str, missing_ok: bool = False) -> Any:
        call = f"GET {path}"
        try:
            response = await self.http.get(
                pm.url.rstrip("/") + path, auth=(pm.username, pm.password.get_secret_value())
            )
        except httpx.TimeoutException:
            return PmAnswer(PmStatus.UNREACHABLE, f"{pm.url}: {call} timed out")
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            return PmAnswer(PmStatus.UNREACHABLE, f"{pm.url}: unreachable on {call} ({type(error).__name__})")
        if response.status_code in (401, 403):
            return refused(pm.url)
        if response.status_code == 404 and missing_ok:
            return None
        if response.is_error:
            return PmAnswer(PmStatus.UNREACHABLE, f"{pm.url}: HTTP {response.status_code} on {call}")
        try:
            return response.json()
        except ValueError:
            return PmAnswer(PmStatus.UNREACHABLE, f"{pm.url}: {call} answered no JSON")
