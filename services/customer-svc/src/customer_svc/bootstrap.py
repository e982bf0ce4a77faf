"""The composition root: settings -> runtime (broker, database, relay) -> handlers -> app."""

from fastapi import FastAPI

from customer_svc import api, did_api, lifecycle_api, messaging
from customer_svc.did_handlers import DidRangeHandlers
from customer_svc.did_index import DidIndex
from customer_svc.handlers import CustomerHandlers
from customer_svc.store import CustomerStore
from mmp_servicekit.http import create_app, serve
from mmp_servicekit.logs import configure_logging
from mmp_servicekit.runtime import Runtime
from mmp_servicekit.settings import ServiceSettings

NAME = "customer-svc"


class CustomerSettings(ServiceSettings):
    customer_port: int = 8001
    portal_url: str = "https://portal.mmp.example"


def build(settings: CustomerSettings | None = None) -> tuple[FastAPI, Runtime, CustomerHandlers]:
    settings = settings or CustomerSettings()
    runtime = Runtime.build(NAME, settings)
    database = runtime.database
    store = CustomerStore(
        runtime.aggregates("customers"),
        database["bundles"],
        database["platform_groups"],
        DidIndex(database["did_blocks"]),
    )
    handlers = CustomerHandlers(store, portal_url=settings.portal_url)
    runtime.on_start.append(store.create_indexes)
    dids = DidRangeHandlers(handlers)
    messaging.register(runtime, handlers, dids)
    routers = [api.router(handlers, store), lifecycle_api.router(handlers, store), did_api.router(dids, store)]
    app = create_app(runtime, routers, title="customer-svc", tenant_scoped=True)
    return app, runtime, handlers


def main() -> None:
    settings = CustomerSettings()
    configure_logging(NAME, settings.log_level)
    app, _, _ = build(settings)
    serve(app, settings.host, settings.customer_port)


if __name__ == "__main__":
    main()
