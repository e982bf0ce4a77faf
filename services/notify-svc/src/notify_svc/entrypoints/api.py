"""Thin HTTP routes: mail templates (bearer auth, applied by create_app) and set-password redemption."""

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, ConfigDict, Field, JsonValue, SecretStr

from mmp_contracts import examples
from mmp_contracts.events import WelcomeMailSent
from mmp_servicekit.http_errors import ApiRefusal, error_responses, not_found
from notify_svc.adapters.store import TemplateStore
from notify_svc.domain.links import MIN_PASSWORD_LENGTH, Redemption
from notify_svc.domain.templates import MailTemplate
from notify_svc.handlers.set_password import SetPasswordHandlers
from notify_svc.handlers.templates import TemplateHandlers

TemplateId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{2,63}$")]
AnyTemplateId = Annotated[str, Path(max_length=64)]
_EXAMPLE_TEMPLATE: dict[str, JsonValue] = {
    "subject": "Welcome to {customer_name}'s phone service",
    "body": "Hello {first_name},\n\nset your password: {set_password_link} (until {link_expires_at})\n"
    "then sign in at {portal_url} with WebID {webid}.",
}


class TemplateBody(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_EXAMPLE_TEMPLATE]})

    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20_000)


class TemplateView(TemplateBody):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"id": examples.of(WelcomeMailSent).template_id, **_EXAMPLE_TEMPLATE}]}
    )

    id: str


class SetPassword(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"token": "<the link's token>", "password": "<new password>"}]}
    )

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

    @router.get("/{template_id}", responses=error_responses(404))
    async def get_template(template_id: AnyTemplateId) -> TemplateView:
        template = await templates.get(template_id)
        if template is None:
            raise not_found("template_id", f"no mail template {template_id!r}")
        return _view(template)

    @router.put("/{template_id}", responses=error_responses(422))
    async def put_template(template_id: TemplateId, body: TemplateBody) -> TemplateView:
        """Creates or replaces it; 422 naming the field of an unknown or missing placeholder (R26, R27)."""
        template = MailTemplate(id=template_id, subject=body.subject, body=body.body)
        violations = await handlers.put_template(template)
        if violations:
            raise ApiRefusal(422, violations)
        return _view(template)

    return router


def set_password_router(handlers: SetPasswordHandlers) -> APIRouter:
    """No bearer token here: the one-time token in the body is the credential (R26)."""
    router = APIRouter(prefix="/api/v1", tags=["set password"])

    @router.post(
        "/set-password",
        status_code=204,
        response_class=Response,
        responses={204: {"description": "The password is set; the link is used up"}, **error_responses(404, 410)},
    )
    async def set_password(body: SetPassword) -> None:
        """Sets the new user's password with the one-time link of its welcome mail (R26): 410 once used or
        expired, or withdrawn because the customer was converted to demo mode (R24) or deleted (R23); 404 for
        a token no mail carried, 422 for a password shorter than 8 characters."""
        # Setting the password on MiCollab is out of scope here; it is never stored nor logged.
        outcome = await handlers.set_password(body.token)
        if outcome is Redemption.UNKNOWN:
            raise not_found("token", "unknown set-password link")
        if outcome is not Redemption.ACCEPTED:
            raise ApiRefusal.of(410, "token", outcome.rule, f"this set-password link is {outcome.value}")

    return router
