"""Blueprints (R2): what the Platform Manager offers, and the ones registered here."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field

from platform_svc.api.errors import refused, responses
from platform_svc.blueprints import BlueprintCatalogue, Offers
from platform_svc.domain.blueprints import Blueprint
from platform_svc.domain.refusals import Refusal, RefusalKind
from platform_svc.store import PlatformStore

K = RefusalKind


class BlueprintRegistration(BaseModel):
    model_config = ConfigDict(extra="forbid")

    blueprint_id: str = Field(min_length=1, max_length=64)


class BlueprintList(BaseModel):
    items: list[Blueprint]


def blueprints_router(catalogue: BlueprintCatalogue, store: PlatformStore) -> APIRouter:
    api = APIRouter(tags=["blueprints"])

    @api.get("/api/v1/platform-manager/blueprints", responses=responses(K.CONFLICT, K.UPSTREAM))
    async def offered_blueprints() -> Offers:
        """What the registered Platform Manager offers, each marked with whether it is registered here."""
        result = await catalogue.offered()
        if isinstance(result, Refusal):
            raise refused(result)
        return result

    @api.post(
        "/api/v1/blueprints",
        status_code=201,
        responses=responses(K.NOT_FOUND, K.CONFLICT, K.INVALID, K.UPSTREAM),
    )
    async def register_blueprint(body: BlueprintRegistration) -> Blueprint:
        """Registers a blueprint the Platform Manager offers; only MiVoice Business ones (R2)."""
        result = await catalogue.register(body.blueprint_id)
        if isinstance(result, Refusal):
            raise refused(result)
        return result

    @api.get("/api/v1/blueprints")
    async def list_blueprints() -> BlueprintList:
        return BlueprintList(items=await store.all_blueprints())

    @api.get("/api/v1/blueprints/{blueprint_id}", responses=responses(K.NOT_FOUND))
    async def get_blueprint(blueprint_id: str) -> Blueprint:
        blueprint = await store.blueprint(blueprint_id)
        if blueprint is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"blueprint {blueprint_id} not found")
        return blueprint

    @api.patch("/api/v1/blueprints/{blueprint_id}", responses=responses(K.NOT_FOUND, K.INVALID))
    async def edit_blueprint(blueprint_id: str, patch: Annotated[dict[str, Any], Body()]) -> Blueprint:
        """Only `name`, `description` and `deprecated` change; a deprecated blueprint makes no new group."""
        result = await catalogue.edit(blueprint_id, patch)
        if result is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"blueprint {blueprint_id} not found")
        if isinstance(result, list):
            raise HTTPException(422, [violation.model_dump() for violation in result])
        return result

    return api
