"""The composition root: settings -> runtime (broker, database, relay) -> mailer -> handlers -> app."""

from datetime import timedelta

from fastapi import FastAPI
from pydantic import Field

from mmp_servicekit.http import create_app, serve
from mmp_servicekit.logs import configure_logging
from mmp_servicekit.runtime import Runtime
from mmp_servicekit.settings import ServiceSettings
from notify_svc import api, messaging
from notify_svc.adapters.smtp import SmtpMailer, parse_smtp_url
from notify_svc.domain.billing_change import BILLING_CHANGE_TEMPLATE
from notify_svc.domain.templates import DEFAULT_TEMPLATE
from notify_svc.handlers import NotifyHandlers, utc_now
from notify_svc.store import NotifyStore

NAME = "notify-svc"


class NotifySettings(ServiceSettings):
    notify_port: int = 8004
    smtp_url: str = "smtp://127.0.0.1:1025"
    smtp_timeout_seconds: float = 10.0
    smtp_retry_backoff_seconds: list[float] = [0.5, 1.0, 2.0]
    """Pauses between SMTP attempts; with the mailer's budget they stay a few seconds in all."""
    mail_from: str = "provisioning@mmp.example"
    set_password_ttl_hours: int = Field(default=72, ge=0)


def build(settings: NotifySettings | None = None) -> tuple[FastAPI, Runtime, NotifyHandlers]:
    settings = settings or NotifySettings()
    runtime = Runtime.build(NAME, settings)
    store = NotifyStore(
        runtime.aggregates("welcome_mails"),
        runtime.database["mail_templates"],
        runtime.aggregates("billing_change_mails"),
    )
    mailer = SmtpMailer(
        parse_smtp_url(settings.smtp_url),
        timeout=settings.smtp_timeout_seconds,
        backoff=settings.smtp_retry_backoff_seconds,
    )
    handlers = NotifyHandlers(
        store, mailer, sender=settings.mail_from, link_ttl=timedelta(hours=settings.set_password_ttl_hours)
    )

    async def seed() -> None:
        for template in (DEFAULT_TEMPLATE, BILLING_CHANGE_TEMPLATE):
            await store.seed_template(template, utc_now())

    runtime.on_start += [store.create_indexes, seed]
    messaging.register(runtime, handlers)
    app = create_app(runtime, [api.templates_router(handlers, store)], title=NAME)
    # After create_app, which puts bearer auth on every router it is given: the link's token is the
    # credential of this route, the new user has no bearer token (R26).
    app.include_router(api.set_password_router(handlers))
    return app, runtime, handlers


def main() -> None:
    settings = NotifySettings()
    configure_logging(NAME, settings.log_level)
    app, _, _ = build(settings)
    serve(app, settings.host, settings.notify_port)


if __name__ == "__main__":
    main()
