"""The composition root: settings -> runtime (broker, database, relay) -> MiCollab client -> handlers -> app."""

import httpx
from fastapi import FastAPI

from micollab_svc import messaging
from micollab_svc.handlers import MiCollabHandlers
from micollab_svc.micollab_client import TIMEOUT, MiCollabClient
from micollab_svc.store import TenantStore
from mmp_servicekit.http import create_app, serve
from mmp_servicekit.logs import configure_logging
from mmp_servicekit.runtime import Runtime
from mmp_servicekit.settings import ServiceSettings

NAME = "micollab-svc"


class MiCollabSettings(ServiceSettings):
    micollab_port: int = 8003


def build(
    settings: MiCollabSettings | None = None, http: httpx.AsyncClient | None = None
) -> tuple[FastAPI, Runtime, MiCollabHandlers]:
    """`http` lets tests route MiCollab calls to a simulator in process; the caller then closes it."""
    settings = settings or MiCollabSettings()
    runtime = Runtime.build(NAME, settings)
    if http is None:
        http = httpx.AsyncClient(timeout=TIMEOUT)
        runtime.on_stop.append(http.aclose)
    store = TenantStore(runtime.aggregates("tenants"))
    handlers = MiCollabHandlers(store, MiCollabClient(http, runtime.metrics))
    runtime.on_start.append(store.create_indexes)
    messaging.register(runtime, handlers)
    app = create_app(runtime, [], title=NAME)
    return app, runtime, handlers


def main() -> None:
    settings = MiCollabSettings()
    configure_logging(NAME, settings.log_level)
    app, _, _ = build(settings)
    serve(app, settings.host, settings.micollab_port)


if __name__ == "__main__":
    main()
