"""MiVoice Business stand-in: tenants with DID ranges, and hunt groups."""

from copy import deepcopy
from dataclasses import dataclass, field
from http import HTTPStatus

from fastapi import APIRouter, FastAPI, HTTPException
from pydantic import BaseModel

from mmp_simulators.base import build_app, conflict, not_found
from mmp_simulators.dids import (
    DidRange,
    InvalidDidRange,
    first_shared_did,
    parse_did_range,
    subtract_did_range,
)
from mmp_simulators.simulator import JsonObject, SystemInfo

PRODUCT = "MiVoice Business"


def voicemail_hunt_group() -> JsonObject:
    return {"number": "6000", "name": "Voicemail", "type": "voicemail"}


class HuntGroupBody(BaseModel):
    name: str
    type: str


@dataclass
class Tenant:
    body: JsonObject
    dids: list[DidRange] = field(default_factory=list)

    def as_json(self) -> JsonObject:
        return {**deepcopy(self.body), "dids": [list(did_range) for did_range in self.dids]}


class MivbState:
    def __init__(self) -> None:
        self.tenants: dict[str, Tenant] = {}
        self.hunt_groups: dict[str, JsonObject] = {}
        self.reset()

    def reset(self) -> None:
        self.tenants = {}
        seeded = voicemail_hunt_group()
        self.hunt_groups = {seeded["number"]: seeded}

    def snapshot(self) -> JsonObject:
        return {
            "tenants": {tenant_id: tenant.as_json() for tenant_id, tenant in self.tenants.items()},
            "hunt_groups": deepcopy(self.hunt_groups),
        }

    def holder_of(self, wanted: DidRange, asking_tenant: str) -> tuple[str, str] | None:
        """The first DID in `wanted` that another tenant holds, with that tenant's id."""
        for tenant_id, tenant in self.tenants.items():
            if tenant_id == asking_tenant:
                continue
            for held in tenant.dids:
                shared = first_shared_did(wanted, held)
                if shared is not None:
                    return shared, tenant_id
        return None


def _parse_or_422(did_range: str) -> DidRange:
    try:
        return parse_did_range(did_range)
    except InvalidDidRange as error:
        raise HTTPException(HTTPStatus.UNPROCESSABLE_ENTITY, str(error)) from error


def mivb_router(state: MivbState) -> APIRouter:
    # Handlers are async on purpose: they then run on the event loop one at a time, so the
    # plain dicts holding the state need no locks (sync handlers would run in a thread pool).
    router = APIRouter()

    @router.get("/hunt-groups")
    async def list_hunt_groups() -> list[JsonObject]:
        return list(state.hunt_groups.values())

    @router.put("/hunt-groups/{number}")
    async def put_hunt_group(number: str, body: HuntGroupBody) -> JsonObject:
        state.hunt_groups[number] = {"number": number, **body.model_dump()}
        return state.hunt_groups[number]

    @router.delete("/hunt-groups/{number}", status_code=HTTPStatus.NO_CONTENT)
    async def delete_hunt_group(number: str) -> None:
        state.hunt_groups.pop(number, None)

    @router.get("/tenants")
    async def list_tenants() -> list[JsonObject]:
        return [tenant.as_json() for tenant in state.tenants.values()]

    @router.get("/tenants/{tenant_id}")
    async def get_tenant(tenant_id: str) -> JsonObject:
        if tenant_id not in state.tenants:
            raise not_found("tenant", tenant_id)
        return state.tenants[tenant_id].as_json()

    @router.put("/tenants/{tenant_id}")
    async def put_tenant(tenant_id: str, body: JsonObject) -> JsonObject:
        existing = state.tenants.get(tenant_id)
        tenant = Tenant({**body, "id": tenant_id}, existing.dids if existing else [])
        state.tenants[tenant_id] = tenant
        return tenant.as_json()

    @router.delete("/tenants/{tenant_id}", status_code=HTTPStatus.NO_CONTENT)
    async def delete_tenant(tenant_id: str) -> None:
        state.tenants.pop(tenant_id, None)

    @router.put("/tenants/{tenant_id}/dids/{did_range}")
    async def put_dids(tenant_id: str, did_range: str) -> JsonObject:
        tenant = state.tenants.get(tenant_id)
        if tenant is None:
            raise not_found("tenant", tenant_id)
        wanted = _parse_or_422(did_range)
        clash = state.holder_of(wanted, tenant_id)
        if clash is not None:
            did, holder = clash
            raise conflict(f"DID {did} is held by tenant {holder}")
        if wanted not in tenant.dids:
            tenant.dids.append(wanted)
        return tenant.as_json()

    @router.delete("/tenants/{tenant_id}/dids/{did_range}", status_code=HTTPStatus.NO_CONTENT)
    async def delete_dids(tenant_id: str, did_range: str) -> None:
        removed = _parse_or_422(did_range)
        tenant = state.tenants.get(tenant_id)
        if tenant is not None:
            tenant.dids = [rest for held in tenant.dids for rest in subtract_did_range(held, removed)]

    return router


def create_mivb_app(version: str) -> FastAPI:
    state = MivbState()
    return build_app(SystemInfo(PRODUCT, version), state, mivb_router(state))
