"""The composition root: settings -> runtime (broker, database, relay) -> clients -> handlers -> app."""

import httpx
from fastapi import FastAPI
from pydantic import SecretStr

from mmp_servicekit.http import create_app, serve
from mmp_servicekit.logs import configure_logging
from mmp_servicekit.runtime import Runtime
from mmp_servicekit.settings import ServiceSettings
from platform_svc import api, messaging
from platform_svc.blueprints import BlueprintCatalogue
from platform_svc.dids import DidRangeHandlers
from platform_svc.editing import EditHandlers
from platform_svc.handlers import AssignmentHandlers
from platform_svc.key_templates import KeyTemplateCatalogue
from platform_svc.periodic import Periodic
from platform_svc.platform_manager import PlatformManager
from platform_svc.platforms import Platforms, new_http_client
from platform_svc.pm_client import PmClient
from platform_svc.refresher import GroupRefresher
from platform_svc.registration import GroupRegistry
from platform_svc.secretbox import SecretBox
from platform_svc.store import PlatformStore
from platform_svc.work import PlatformWork

NAME = "platform-svc"


class PlatformSettings(ServiceSettings):
    platform_port: int = 8002
    secrets_key: SecretStr | None = None
    """`MMP_SECRETS_KEY`: the Fernet key (url-safe base64 of 32 bytes) that encrypts platform secrets at
    rest. Unset: a throwaway key is generated at start-up (with a warning), fit for development only."""
    pm_check_seconds: float = 30.0
    """How often the stored Platform Manager credentials are checked (R3)."""
    group_refresh_seconds: float = 30.0
    """How often each platform group's versions and reachability are read again (R16-R19)."""


def build(
    settings: PlatformSettings | None = None, http: httpx.AsyncClient | None = None
) -> tuple[FastAPI, Runtime, AssignmentHandlers]:
    """`http` lets tests pass a client of their own (closed by them); otherwise one is made and closed here."""
    settings = settings or PlatformSettings()
    runtime = Runtime.build(NAME, settings)
    if http is None:
        http = new_http_client()
        runtime.on_stop.append(http.aclose)
    platforms = Platforms(http)
    store = PlatformStore(
        runtime.aggregates("platform_groups"),
        runtime.aggregates("assignments"),
        runtime.database["sip_usernames"],
        runtime.aggregates("platform_manager"),
        runtime.aggregates("blueprints"),
        runtime.aggregates("key_templates"),
    )
    key_templates = KeyTemplateCatalogue(store)
    runtime.on_start.append(key_templates.seed)  # before the broker starts consuming (R15 needs it)
    handlers = AssignmentHandlers(store, PlatformWork(platforms, store))
    edits = EditHandlers(store, platforms, handlers.writer)
    messaging.register(runtime, handlers, edits, DidRangeHandlers(store, platforms, handlers.writer))
    pm_client = PmClient(http)
    manager = PlatformManager(store, pm_client, SecretBox.from_setting(settings.secrets_key), runtime.metrics.registry)
    refresher = GroupRefresher(store, platforms)
    for job in (
        Periodic("platform-manager-check", settings.pm_check_seconds, manager.check),
        Periodic("platform-group-refresh", settings.group_refresh_seconds, refresher.refresh_all),
    ):
        runtime.on_start.append(job.start)
        runtime.on_stop.insert(0, job.stop)  # before the http client closes
    routers = [
        api.router(GroupRegistry(store, platforms), store, refresher),
        api.platform_manager_router(manager),
        api.blueprints_router(BlueprintCatalogue(store, manager, pm_client), store),
        api.key_templates_router(key_templates, store),
    ]
    return create_app(runtime, routers, title=NAME), runtime, handlers


def main() -> None:
    settings = PlatformSettings()
    configure_logging(NAME, settings.log_level)
    app, _, _ = build(settings)
    serve(app, settings.host, settings.platform_port)


if __name__ == "__main__":
    main()
