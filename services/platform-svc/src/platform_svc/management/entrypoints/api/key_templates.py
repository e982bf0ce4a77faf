"""The SP's key templates: written here, copied to each customer at assignment (R15)."""

from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from pydantic import BaseModel

from mmp_servicekit.http_errors import not_found
from mmp_servicekit.repository import Repository
from platform_svc.management.domain.key_templates import TEMPLATE_ID, KeyTemplate, KeyTemplateContent
from platform_svc.management.domain.refusals import RefusalKind
from platform_svc.management.entrypoints.api.errors import responses
from platform_svc.management.handlers.key_templates import KeyTemplateHandlers

TemplateId = Annotated[str, Path(pattern=TEMPLATE_ID)]
K = RefusalKind


class KeyTemplateList(BaseModel):
    items: list[KeyTemplate]


def key_templates_router(handlers: KeyTemplateHandlers, key_templates: Repository[KeyTemplate]) -> APIRouter:
    api = APIRouter(prefix="/api/v1/key-templates", tags=["key templates"])

    @api.put("/{template_id}", responses={201: {"description": "created"}, **responses(K.INVALID)})
    async def put_key_template(template_id: TemplateId, body: KeyTemplateContent, response: Response) -> KeyTemplate:
        """Creates (201) or replaces (200) the SP's template; customers keep the copy they were given (R15)."""
        template, created = await handlers.put(template_id, body)
        response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return template

    @api.get("")
    async def list_key_templates() -> KeyTemplateList:
        return KeyTemplateList(items=await key_templates.find())

    @api.get("/{template_id}", responses=responses(K.NOT_FOUND))
    async def get_key_template(template_id: str) -> KeyTemplate:
        template = await key_templates.get(template_id)
        if template is None:
            raise not_found("template_id", f"key template {template_id} not found")
        return template

    return api
