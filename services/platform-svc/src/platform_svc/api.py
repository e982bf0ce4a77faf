"""Thin HTTP routes: platform groups (bearer auth is applied by servicekit's create_app)."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response, status
from pydantic import BaseModel

from platform_svc.domain.discovery import GroupRegistration
from platform_svc.domain.groups import PlatformGroup
from platform_svc.registration import GroupRegistry
from platform_svc.store import PlatformStore

GroupId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]


class GroupList(BaseModel):
    items: list[PlatformGroup]


def router(registry: GroupRegistry, store: PlatformStore) -> APIRouter:
    api = APIRouter(prefix="/api/v1/platform-groups", tags=["platform groups"])

    @api.put("/{group_id}", responses={201: {"description": "registered"}, 422: {"description": "not usable"}})
    async def put_group(group_id: GroupId, body: GroupRegistration, response: Response) -> PlatformGroup:
        """Registers or replaces a group; the versions are discovered from each platform's /api/system."""
        result = await registry.register(group_id, body)
        if isinstance(result, list):
            raise HTTPException(422, [v.model_dump() for v in result])
        group, created = result
        response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return group

    @api.get("")
    async def list_groups() -> GroupList:
        return GroupList(items=await store.all_groups())

    @api.get("/{group_id}", responses={404: {"description": "unknown group"}})
    async def get_group(group_id: str) -> PlatformGroup:
        group = await store.group(group_id)
        if group is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"platform group {group_id} not found")
        return group

    return api
