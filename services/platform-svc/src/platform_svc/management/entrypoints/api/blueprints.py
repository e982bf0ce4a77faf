"""Blueprints (R2): what the Platform Manager offers, and the ones registered here."""

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from mmp_servicekit.http_errors import not_found
from mmp_servicekit.repository import Repository
from platform_svc.management.domain.blueprints import Blueprint, OfferedBlueprint
from platform_svc.management.domain.refusals import RefusalKind
from platform_svc.management.entrypoints.api.errors import responses
from platform_svc.management.handlers.blueprints import BlueprintHandlers

K = RefusalKind


class BlueprintRegistration(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True, json_schema_extra={"examples": [{"blueprint_id": "bp-mivb-standard"}]}
    )

    blueprint_id: str = Field(min_length=1, max_length=64)


class Offer(OfferedBlueprint):
    registered: bool
    """Whether the blueprint is registered here already."""


def _no_default(schema: dict[str, Any]) -> None:
    """Optional, never null: neither the null nor the default in the schema."""
    schema.pop("default", None)
    kept = [option for option in schema.pop("anyOf", []) if option != {"type": "null"}]
    if len(kept) == 1:
        schema.update(kept[0])


class BlueprintEdit(BaseModel):
    """Any of `name`, `description` and `deprecated`; any other field is refused, naming it (`blueprint-edit`)."""

    # extras are let through to the blueprint, which names each one it refuses; the schema admits none
    model_config = ConfigDict(
        extra="allow",
        strict=True,
        json_schema_extra={"additionalProperties": False, "examples": [{"name": "Standard", "deprecated": False}]},
    )

    name: Annotated[str, Field(min_length=1, max_length=120)] | None = Field(
        default=None, json_schema_extra=_no_default
    )
    description: Annotated[str, Field(max_length=1000)] | None = Field(default=None, json_schema_extra=_no_default)
    deprecated: bool | None = Field(default=None, json_schema_extra=_no_default)


class Offers(BaseModel):
    items: list[Offer]


class BlueprintList(BaseModel):
    items: list[Blueprint]


def blueprints_router(handlers: BlueprintHandlers, blueprints: Repository[Blueprint]) -> APIRouter:
    api = APIRouter(tags=["blueprints"])

    @api.get("/api/v1/platform-manager/blueprints", responses=responses(K.CONFLICT, K.UPSTREAM))
    async def offered_blueprints() -> Offers:
        """What the registered Platform Manager offers, each marked with whether it is registered here."""
        offered = await handlers.offered()
        return Offers(items=[Offer(**blueprint.model_dump(), registered=known) for blueprint, known in offered])

    @api.post(
        "/api/v1/blueprints",
        status_code=201,
        responses=responses(K.NOT_FOUND, K.CONFLICT, K.INVALID, K.UPSTREAM),
    )
    async def register_blueprint(body: BlueprintRegistration) -> Blueprint:
        """Registers a blueprint the Platform Manager offers; only MiVoice Business ones (R2)."""
        return await handlers.register(body.blueprint_id)

    @api.get("/api/v1/blueprints")
    async def list_blueprints() -> BlueprintList:
        return BlueprintList(items=await blueprints.find())

    @api.get("/api/v1/blueprints/{blueprint_id}", responses=responses(K.NOT_FOUND))
    async def get_blueprint(blueprint_id: str) -> Blueprint:
        blueprint = await blueprints.get(blueprint_id)
        if blueprint is None:
            raise not_found("blueprint_id", f"blueprint {blueprint_id} not found")
        return blueprint

    @api.patch("/api/v1/blueprints/{blueprint_id}", responses=responses(K.NOT_FOUND, K.INVALID))
    async def edit_blueprint(blueprint_id: str, patch: BlueprintEdit) -> Blueprint:
        """Only `name`, `description` and `deprecated` change; a deprecated blueprint makes no new group."""
        return await handlers.edit(blueprint_id, patch.model_dump(exclude_unset=True))

    return api
