"""Thin HTTP routes: mail templates (bearer auth, applied by create_app) and set-password redemption."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from notify_svc.adapters.store import TemplateStore
from notify_svc.domain.links import MIN_PASSWORD_LENGTH, Redemption
from notify_svc.domain.templates import MailTemplate
from notify_svc.handlers.set_password import SetPasswordHandlers
from notify_svc.handlers.templates import TemplateHandlers

TemplateId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{2,63}$")]


class TemplateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20_000)


class TemplateView(TemplateBody):
    id: str


class SetPassword(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=200)
    # SecretStr: a validation error or a repr never shows it; it is checked, then dropped.
    password: Annotated[SecretStr, Field(min_length=MIN_PASSWORD_LENGTH, max_length=256)]


def _view(template: MailTemplate) -> TemplateView:
    return TemplateView(id=template.id, subject=template.subject, body=template.body)


def templates_router(handlers: TemplateHandlers, templates: TemplateStore) -> APIRouter:
    router = APIRouter(prefix="/api/v1/mail-templates", tags=["mail templates"])

    @router.get("")
    async def list_templates() -> list[TemplateView]:
        return [_view(t) for t in await templates.list_all()]

    @router.get("/{template_id}")
    async def get_template(template_id: str) -> TemplateView:
        template = await templates.get(template_id)
        if template is None:
            raise HTTPException(404, f"no mail template {template_id!r}")
        return _view(template)

    @router.put("/{template_id}")
    async def put_template(template_id: TemplateId, body: TemplateBody) -> TemplateView:
        template = MailTemplate(id=template_id, subject=body.subject, body=body.body)
        violations = await handlers.put_template(template)
        if violations:
            raise HTTPException(422, [v.model_dump() for v in violations])
        return _view(template)

    return router


def set_password_router(handlers: SetPasswordHandlers) -> APIRouter:
    """No bearer token here: the one-time token in the body is the credential (R26)."""
    router = APIRouter(prefix="/api/v1", tags=["set password"])

    @router.post("/set-password", status_code=204, responses={404: {}, 410: {}})
    async def set_password(body: SetPassword) -> Response:
        # Setting the password on MiCollab is out of scope here; it is never stored nor logged.
        outcome = await handlers.set_password(body.token)
        if outcome is Redemption.UNKNOWN:
            raise HTTPException(404, "unknown set-password link")
        if outcome is not Redemption.ACCEPTED:
            raise HTTPException(410, f"this set-password link is {outcome.value}")
        return Response(status_code=204)

    return router
