"""Platform groups: made from a blueprint (POST, R2), registered by hand (PUT), read, refreshed, deleted."""

from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from pydantic import BaseModel

from mmp_servicekit.http_errors import not_found
from platform_svc.management.adapters.store import PlatformCatalogue
from platform_svc.management.domain.blueprint_groups import GROUP_ID, BlueprintGroupRequest
from platform_svc.management.domain.discovery import GroupRegistration
from platform_svc.management.domain.groups import PlatformGroup
from platform_svc.management.domain.refusals import RefusalKind
from platform_svc.management.entrypoints.api.errors import responses
from platform_svc.management.handlers.groups import GroupHandlers

GroupId = Annotated[str, Path(pattern=GROUP_ID)]
K = RefusalKind


class GroupList(BaseModel):
    items: list[PlatformGroup]


def groups_router(handlers: GroupHandlers, catalogue: PlatformCatalogue) -> APIRouter:
    # exclude_none: a group registered by hand has no blueprint, no secondary MiVB, no health yet.
    api = APIRouter(prefix="/api/v1/platform-groups", tags=["platform groups"])

    @api.post("", status_code=201, response_model_exclude_none=True, responses=responses(K.CONFLICT, K.INVALID))
    async def create_group(body: BlueprintGroupRequest) -> PlatformGroup:
        """Makes a group from a registered blueprint (R2); the versions are discovered, R5 and R4 checked."""
        return await handlers.create(body)

    @api.put(
        "/{group_id}",
        response_model_exclude_none=True,
        responses={201: {"description": "registered"}, **responses(K.CONFLICT, K.INVALID)},
    )
    async def put_group(group_id: GroupId, body: GroupRegistration, response: Response) -> PlatformGroup:
        """Registers or replaces a group by hand; the versions are discovered from each platform's /api/system."""
        group, created = await handlers.register(group_id, body)
        response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return group

    @api.get("", response_model_exclude_none=True)
    async def list_groups() -> GroupList:
        return GroupList(items=await catalogue.groups())

    @api.get("/{group_id}", response_model_exclude_none=True, responses=responses(K.NOT_FOUND))
    async def get_group(group_id: str) -> PlatformGroup:
        return _found(group_id, await catalogue.group(group_id))

    @api.post("/{group_id}/refresh", response_model_exclude_none=True, responses=responses(K.NOT_FOUND))
    async def refresh_group(group_id: str) -> PlatformGroup:
        """Asks the group's platforms for their versions and reachability now (also done periodically)."""
        return _found(group_id, await handlers.refresh(group_id))

    @api.delete("/{group_id}", status_code=204, responses=responses(K.NOT_FOUND, K.CONFLICT))
    async def delete_group(group_id: str) -> None:
        """Refused (409) while a customer's platform work is on the group (ASSIGNED, CONFIGURING or RESIDUE)."""
        await handlers.delete(group_id)

    return api


def _found(group_id: str, group: PlatformGroup | None) -> PlatformGroup:
    if group is None:
        raise not_found("group_id", f"platform group {group_id} not found")
    return group
