"""The composition root: settings -> runtime -> repositories and the templates' collection -> mailer ->
handlers -> the message dispatch table -> API routers -> app."""

from dataclasses import dataclass
from datetime import timedelta

from fastapi import FastAPI
from pydantic import Field

from mmp_servicekit.gauges import refresh_gauges
from mmp_servicekit.http import create_app, run_service
from mmp_servicekit.repository import Repository
from mmp_servicekit.runtime import Runtime
from mmp_servicekit.settings import ServiceSettings
from notify_svc.adapters.smtp import SmtpMailer, parse_smtp_url
from notify_svc.adapters.store import BillingChangeMailMapper, TemplateStore, WelcomeMailMapper
from notify_svc.domain.billing_change import BillingChangeMail
from notify_svc.domain.links import LinkKey
from notify_svc.domain.welcome import WelcomeMail
from notify_svc.entrypoints import api, messaging
from notify_svc.handlers.billing_change import BillingChangeHandlers
from notify_svc.handlers.set_password import SetPasswordHandlers
from notify_svc.handlers.templates import TemplateHandlers
from notify_svc.handlers.welcome import WelcomeHandlers

NAME = "notify-svc"


class NotifySettings(ServiceSettings):
    notify_port: int = 8004
    smtp_url: str = "smtp://127.0.0.1:1025"
    smtp_timeout_seconds: float = 10.0
    smtp_retry_backoff_seconds: list[float] = [0.5, 1.0, 2.0]
    """Pauses between SMTP attempts; with the mailer's budget they stay a few seconds in all."""
    mail_from: str = "provisioning@mmp.example"
    set_password_ttl_hours: int = Field(default=72, ge=0)


@dataclass(frozen=True)
class NotifyService:
    app: FastAPI
    runtime: Runtime
    welcome_mails: Repository[WelcomeMail]
    billing_change_mails: Repository[BillingChangeMail]


def build(settings: NotifySettings | None = None) -> NotifyService:
    settings = settings or NotifySettings()
    runtime = Runtime.build(NAME, settings)
    refresh_gauges(runtime)  # the consumer lag
    welcome_mails = runtime.repository("welcome_mails", WelcomeMailMapper())
    billing_change_mails = runtime.repository("billing_change_mails", BillingChangeMailMapper())
    templates = TemplateStore(runtime.collection("mail_templates"))
    mailer = SmtpMailer(
        parse_smtp_url(settings.smtp_url),
        timeout=settings.smtp_timeout_seconds,
        backoff=settings.smtp_retry_backoff_seconds,
    )
    # The link tokens are derived under the secret every service already holds (MMP_TOKEN_SECRET), bound to
    # their use by the HMAC's purpose label: no new secret to distribute, and none stored with the mails.
    key = LinkKey(settings.token_secret.get_secret_value().encode(), timedelta(hours=settings.set_password_ttl_hours))
    template_handlers = TemplateHandlers(templates)
    runtime.on_start.append(template_handlers.seed_defaults)
    set_password = SetPasswordHandlers(welcome_mails)
    messaging.register(
        runtime,
        WelcomeHandlers(welcome_mails, templates, mailer, key, settings.mail_from),
        BillingChangeHandlers(billing_change_mails, templates, mailer, settings.mail_from),
        set_password,
    )
    app = create_app(runtime, [api.templates_router(template_handlers, templates)], title=NAME)
    # After create_app, which puts bearer auth on every router it is given: the link's token is the
    # credential of this route, the new user has no bearer token (R26).
    app.include_router(api.set_password_router(set_password))
    return NotifyService(app, runtime, welcome_mails, billing_change_mails)


def main() -> None:
    run_service(NAME, NotifySettings, lambda settings: build(settings).app, lambda settings: settings.notify_port)


if __name__ == "__main__":
    main()
