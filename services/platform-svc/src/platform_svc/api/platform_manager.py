"""The Platform Manager: feature switch, registration, rotation, status (R2, R3). Never shows a password."""

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from platform_svc.api.errors import refused, responses
from platform_svc.domain.refusals import Refusal, RefusalKind
from platform_svc.platform_manager import PlatformManager, PmView

K = RefusalKind


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Feature(Body):
    enabled: bool


class Credentials(Body):
    username: str = Field(min_length=1, max_length=128)
    password: SecretStr = Field(min_length=1, max_length=256)
    """SecretStr: never printed, logged or echoed, even in a validation error."""


class Registration(Credentials):
    url: str = Field(min_length=1, max_length=300)


def platform_manager_router(manager: PlatformManager) -> APIRouter:
    api = APIRouter(prefix="/api/v1/platform-manager", tags=["platform manager"])

    @api.get("")
    async def get_platform_manager() -> PmView:
        return await manager.view()

    @api.put("/feature")
    async def set_feature(body: Feature) -> PmView:
        """R2: the feature must be enabled before a Platform Manager can be registered and used."""
        return await manager.set_feature(body.enabled)

    @api.put("", responses=responses(K.CONFLICT, K.INVALID))
    async def register(body: Registration) -> PmView:
        """Verified by calling the PM with these credentials (R3) before anything is stored."""
        return _or_refused(await manager.register(body.url, body.username, body.password))

    @api.post("/credentials", responses=responses(K.CONFLICT, K.INVALID))
    async def rotate(body: Credentials) -> PmView:
        """R3: the new credentials replace the stored ones only once the PM accepted them."""
        return _or_refused(await manager.rotate(body.username, body.password))

    @api.post("/check")
    async def check() -> PmView:
        """Checks the stored credentials now (also done every `MMP_PM_CHECK_SECONDS`)."""
        return await manager.check()

    return api


def _or_refused(result: PmView | Refusal) -> PmView:
    if isinstance(result, Refusal):
        raise refused(result)
    return result
