"""The Platform Manager: feature switch, registration, rotation, status (R2, R3). Never shows a password."""

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from platform_svc.management.domain.platform_manager import PlatformManagerRegistration, PmStatus
from platform_svc.management.domain.refusals import RefusalKind
from platform_svc.management.entrypoints.api.errors import responses
from platform_svc.management.handlers.platform_manager import PlatformManagerHandlers

K = RefusalKind


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Feature(Body):
    enabled: bool


class Credentials(Body):
    username: str = Field(min_length=1, max_length=128)
    password: SecretStr = Field(min_length=1, max_length=256)
    """SecretStr: never printed, logged or echoed, even in a validation error."""


class Registration(Credentials):
    url: str = Field(min_length=1, max_length=300)


class PmView(BaseModel):
    """What the API shows: never the password, not even encrypted."""

    enabled: bool
    url: str | None
    username: str | None
    status: PmStatus
    checked_at: datetime | None
    last_error: str | None
    pm_version: str | None

    @classmethod
    def of(cls, pm: PlatformManagerRegistration) -> "PmView":
        return cls(
            enabled=pm.enabled,
            url=pm.url,
            username=pm.username,
            status=pm.status,
            checked_at=pm.checked_at,
            last_error=pm.last_error,
            pm_version=pm.pm_version,
        )


def platform_manager_router(manager: PlatformManagerHandlers) -> APIRouter:
    api = APIRouter(prefix="/api/v1/platform-manager", tags=["platform manager"])

    @api.get("")
    async def get_platform_manager() -> PmView:
        return PmView.of(await manager.view())

    @api.put("/feature")
    async def set_feature(body: Feature) -> PmView:
        """R2: the feature must be enabled before a Platform Manager can be registered and used."""
        return PmView.of(await manager.set_feature(body.enabled))

    @api.put("", responses=responses(K.CONFLICT, K.INVALID))
    async def register(body: Registration) -> PmView:
        """Verified by calling the PM with these credentials (R3) before anything is stored."""
        return PmView.of(await manager.register(body.url, body.username, body.password))

    @api.post("/credentials", responses=responses(K.CONFLICT, K.INVALID))
    async def rotate(body: Credentials) -> PmView:
        """R3: the new credentials replace the stored ones only once the PM accepted them."""
        return PmView.of(await manager.rotate(body.username, body.password))

    @api.post("/check")
    async def check() -> PmView:
        """Checks the stored credentials now (also done every `MMP_PM_CHECK_SECONDS`)."""
        return PmView.of(await manager.check())

    return api
