"""MiCollab stand-in: tenants with their bundles and users."""

from copy import deepcopy
from dataclasses import dataclass, field
from http import HTTPStatus

from fastapi import APIRouter, FastAPI

from mmp_simulators.base import build_app, not_found
from mmp_simulators.simulator import JsonObject, SystemInfo

PRODUCT = "MiCollab"


@dataclass
class Tenant:
    body: JsonObject
    bundles: dict[str, JsonObject] = field(default_factory=dict)
    users: dict[str, JsonObject] = field(default_factory=dict)

    def as_json(self) -> JsonObject:
        return {**deepcopy(self.body), "bundles": deepcopy(self.bundles), "users": deepcopy(self.users)}


class MicollabState:
    def __init__(self) -> None:
        self.tenants: dict[str, Tenant] = {}

    def reset(self) -> None:
        self.tenants = {}

    def snapshot(self) -> JsonObject:
        return {"tenants": {tenant_id: tenant.as_json() for tenant_id, tenant in self.tenants.items()}}

    def existing_tenant(self, tenant_id: str) -> Tenant:
        tenant = self.tenants.get(tenant_id)
        if tenant is None:
            raise not_found("tenant", tenant_id)
        return tenant


def micollab_router(state: MicollabState) -> APIRouter:
    # Async handlers run one at a time on the event loop, so the state needs no locks.
    router = APIRouter()

    @router.get("/tenants")
    async def list_tenants() -> list[JsonObject]:
        return [tenant.as_json() for tenant in state.tenants.values()]

    @router.put("/tenants/{tenant_id}")
    async def put_tenant(tenant_id: str, body: JsonObject) -> JsonObject:
        existing = state.tenants.get(tenant_id) or Tenant({})
        tenant = Tenant({**body, "id": tenant_id}, existing.bundles, existing.users)
        state.tenants[tenant_id] = tenant
        return tenant.as_json()

    @router.delete("/tenants/{tenant_id}", status_code=HTTPStatus.NO_CONTENT)
    async def delete_tenant(tenant_id: str) -> None:
        state.tenants.pop(tenant_id, None)

    @router.put("/tenants/{tenant_id}/bundles/{bundle_id}")
    async def put_bundle(tenant_id: str, bundle_id: str, body: JsonObject) -> JsonObject:
        bundles = state.existing_tenant(tenant_id).bundles
        bundles[bundle_id] = {**body, "id": bundle_id}
        return bundles[bundle_id]

    @router.delete("/tenants/{tenant_id}/bundles/{bundle_id}", status_code=HTTPStatus.NO_CONTENT)
    async def delete_bundle(tenant_id: str, bundle_id: str) -> None:
        if tenant_id in state.tenants:
            state.tenants[tenant_id].bundles.pop(bundle_id, None)

    @router.put("/tenants/{tenant_id}/users/{username}")
    async def put_user(tenant_id: str, username: str, body: JsonObject) -> JsonObject:
        users = state.existing_tenant(tenant_id).users
        users[username] = {**body, "username": username}
        return users[username]

    @router.delete("/tenants/{tenant_id}/users/{username}", status_code=HTTPStatus.NO_CONTENT)
    async def delete_user(tenant_id: str, username: str) -> None:
        if tenant_id in state.tenants:
            state.tenants[tenant_id].users.pop(username, None)

    return router


def create_micollab_app(version: str, rest_api_scripts: bool = True) -> FastAPI:
    state = MicollabState()
    system = SystemInfo(PRODUCT, version, rest_api_scripts=rest_api_scripts)
    return build_app(system, state, micollab_router(state))
