"""The composition root: settings -> runtime (broker, database, relay) -> clients -> handlers -> app."""

import httpx
from fastapi import FastAPI

from mmp_servicekit.http import create_app
from mmp_servicekit.logs import configure_logging
from mmp_servicekit.runtime import Runtime
from mmp_servicekit.settings import ServiceSettings
from platform_svc import api, messaging
from platform_svc.handlers import AssignmentHandlers
from platform_svc.platforms import Platforms, new_http_client
from platform_svc.registration import GroupRegistry
from platform_svc.store import PlatformStore
from platform_svc.work import PlatformWork

NAME = "platform-svc"


class PlatformSettings(ServiceSettings):
    platform_port: int = 8002


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
        runtime.aggregates("platform_groups"), runtime.aggregates("assignments"), runtime.database["sip_usernames"]
    )
    handlers = AssignmentHandlers(store, PlatformWork(platforms, store))
    messaging.register(runtime, handlers)
    app = create_app(runtime, [api.router(GroupRegistry(store, platforms), store)], title=NAME)
    return app, runtime, handlers


def main() -> None:
    import uvicorn

    settings = PlatformSettings()
    configure_logging(NAME, settings.log_level)
    app, _, _ = build(settings)
    uvicorn.run(app, host="127.0.0.1", port=settings.platform_port, log_config=None, access_log=False)


if __name__ == "__main__":
    main()
