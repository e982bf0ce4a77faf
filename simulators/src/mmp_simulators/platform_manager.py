"""Platform Manager stand-in: blueprints behind HTTP Basic auth whose credentials can rotate."""

import base64
import binascii
import secrets
from copy import deepcopy
from http import HTTPStatus

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from pydantic import BaseModel, ConfigDict

from mmp_simulators.base import build_app, not_found
from mmp_simulators.faults import CONTROL_PREFIX
from mmp_simulators.simulator import JsonObject, SystemInfo

PRODUCT = "Platform Manager"


def standard_blueprint() -> JsonObject:
    return {
        "id": "bp-mivb-standard",
        "name": "MiVB standard",
        "description": "MiVB with MiCollab and one MBG site",
        "platform_type": "MiVoice Business",
    }


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    username: str
    password: str


class CredentialsChange(Credentials):
    keep_previous: bool = False
    """Also accept the credentials in force until now: the grace period of a rotation without downtime."""


class PlatformManagerState:
    def __init__(self, startup_credentials: Credentials) -> None:
        self.startup_credentials = startup_credentials
        self.credentials = startup_credentials
        self.previous: Credentials | None = None
        self.blueprints: dict[str, JsonObject] = {}
        self.reset()

    def reset(self) -> None:
        # Credentials go back too: a rotation test must not lock every later test out.
        self.credentials = self.startup_credentials
        self.previous = None
        seeded = standard_blueprint()
        self.blueprints = {seeded["id"]: seeded}

    def snapshot(self) -> JsonObject:
        return {"blueprints": deepcopy(self.blueprints)}

    def rotate(self, change: CredentialsChange) -> None:
        self.previous = self.credentials if change.keep_previous else None
        self.credentials = Credentials(username=change.username, password=change.password)

    def accepts(self, offered: Credentials | None) -> bool:
        if offered is None:
            return False
        return any(_same(offered, accepted) for accepted in (self.credentials, self.previous) if accepted)


def _same(offered: Credentials, accepted: Credentials) -> bool:
    username_ok = secrets.compare_digest(offered.username.encode(), accepted.username.encode())
    password_ok = secrets.compare_digest(offered.password.encode(), accepted.password.encode())
    return username_ok and password_ok


def basic_credentials(authorization: str | None) -> Credentials | None:
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, separator, password = decoded.partition(":")
    return Credentials(username=username, password=password) if separator else None


def platform_manager_router(state: PlatformManagerState) -> APIRouter:
    # Async handlers run one at a time on the event loop, so the state needs no locks.
    router = APIRouter()

    @router.get("/blueprints")
    async def list_blueprints() -> list[JsonObject]:
        return list(state.blueprints.values())

    @router.get("/blueprints/{blueprint_id}")
    async def get_blueprint(blueprint_id: str) -> JsonObject:
        if blueprint_id not in state.blueprints:
            raise not_found("blueprint", blueprint_id)
        return state.blueprints[blueprint_id]

    @router.put("/blueprints/{blueprint_id}")
    async def put_blueprint(blueprint_id: str, body: JsonObject) -> JsonObject:
        state.blueprints[blueprint_id] = {**body, "id": blueprint_id}
        return state.blueprints[blueprint_id]

    return router


def credentials_router(state: PlatformManagerState) -> APIRouter:
    router = APIRouter(prefix=CONTROL_PREFIX, tags=["simulator control"])

    @router.put("/credentials")
    async def rotate_credentials(change: CredentialsChange) -> JsonObject:
        state.rotate(change)
        return {"username": change.username}

    return router


def create_platform_manager_app(
    version: str,
    username: str = "pm-admin",
    password: str = "pm-secret",
) -> FastAPI:
    state = PlatformManagerState(Credentials(username=username, password=password))

    async def require_credentials(request: Request) -> None:
        if not state.accepts(basic_credentials(request.headers.get("authorization"))):
            challenge = {"WWW-Authenticate": "Basic"}
            raise HTTPException(HTTPStatus.UNAUTHORIZED, "invalid credentials", headers=challenge)

    return build_app(
        SystemInfo(PRODUCT, version),
        state,
        platform_manager_router(state),
        api_dependencies=[Depends(require_credentials)],
        extra_control_routers=[credentials_router(state)],
    )
