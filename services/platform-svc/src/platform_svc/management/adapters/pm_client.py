"""Outbound HTTP to the Platform Manager, with HTTP Basic auth, through servicekit's PlatformClient (so every
call is timed in `mmp_platform_call_seconds{platform="Platform Manager"}`).

Answers are typed, never exceptions: `PmAnswer` says why a call did not give what was asked. A reason never
quotes the PM's response body nor the request, so no credential can travel into a message.
"""

from typing import Any

import httpx
from pydantic import ValidationError

from mmp_servicekit.platform_http import PlatformCallFailed, PlatformClient, path
from platform_svc.management.domain.blueprints import OfferedBlueprint
from platform_svc.management.domain.platform_manager import (
    PRODUCT,
    PmAnswer,
    PmCredentials,
    PmStatus,
    accepted,
    refused,
)


class PmClient:
    def __init__(self, platforms: PlatformClient) -> None:
        self.platforms = platforms

    async def system(self, pm: PmCredentials) -> PmAnswer:
        got = await self._get(pm, path("system"))
        if isinstance(got, PmAnswer):
            return got
        try:
            return accepted(str(got["product"]), str(got["version"]), pm.url)
        except (KeyError, TypeError):
            return PmAnswer(PmStatus.UNREACHABLE, f"{pm.url}: GET /api/system answered no product and version")

    async def blueprints(self, pm: PmCredentials) -> list[OfferedBlueprint] | PmAnswer:
        got = await self._get(pm, path("blueprints"))
        if isinstance(got, PmAnswer):
            return got
        try:
            return [OfferedBlueprint.model_validate(item) for item in got]
        except (ValidationError, TypeError):
            return PmAnswer(PmStatus.UNREACHABLE, f"{pm.url}: GET /api/blueprints answered no list of blueprints")

    async def blueprint(self, pm: PmCredentials, blueprint_id: str) -> OfferedBlueprint | PmAnswer | None:
        """The blueprint, None when the PM does not offer it, or why the PM could not be asked."""
        got = await self._get(pm, path("blueprints", blueprint_id), missing_ok=True)
        if got is None or isinstance(got, PmAnswer):
            return got
        try:
            return OfferedBlueprint.model_validate(got)
        except ValidationError:
            return PmAnswer(PmStatus.UNREACHABLE, f"{pm.url}: GET /api/blueprints/{blueprint_id} answered no blueprint")

    async def _get(self, pm: PmCredentials, api_path: str, missing_ok: bool = False) -> Any:
        auth = httpx.BasicAuth(pm.username, pm.password.get_secret_value())
        try:
            response = await self.platforms.call(PRODUCT, "GET", pm.url, api_path, auth=auth)
        except PlatformCallFailed as failure:
            return _failed(pm.url, failure, missing_ok)
        try:
            return response.json()
        except ValueError:
            return PmAnswer(PmStatus.UNREACHABLE, f"{pm.url}: GET {api_path} answered no JSON")


def _failed(url: str, failure: PlatformCallFailed, missing_ok: bool) -> PmAnswer | None:
    code = failure.status
    if code is None:  # not answered: unreachable, timed out
        return PmAnswer(PmStatus.UNREACHABLE, f"{url}: {failure.problem}")
    if code in (401, 403):
        return refused(url)
    if code == 404 and missing_ok:
        return None
    # The status and the call only: the PM's own words stay out of every reason.
    return PmAnswer(PmStatus.UNREACHABLE, f"{url}: {failure.problem.partition(': ')[0]}")
