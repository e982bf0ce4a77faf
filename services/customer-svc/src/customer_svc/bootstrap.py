"""The composition root: settings -> runtime -> repositories and adapters -> handlers -> the table of
resumptions -> subscriptions and API routers -> app. Nothing is built anywhere else."""

from dataclasses import dataclass

from fastapi import FastAPI

from customer_svc.adapters.did_index import DidIndex
from customer_svc.adapters.metrics import ObservedCustomers
from customer_svc.adapters.store import Catalogue, CustomerMapper, CustomerQueries
from customer_svc.domain.customer import Customer
from customer_svc.entrypoints import messaging
from customer_svc.entrypoints.api import catalogue as catalogue_api
from customer_svc.entrypoints.api import customers as customers_api
from customer_svc.entrypoints.api import did_ranges as did_ranges_api
from customer_svc.entrypoints.api import edit as edit_api
from customer_svc.entrypoints.api import lifecycle as lifecycle_api
from customer_svc.handlers.catalogue import CatalogueHandlers
from customer_svc.handlers.create import CreateHandlers
from customer_svc.handlers.did_ranges import DidRangeHandlers
from customer_svc.handlers.edit import EditHandlers
from customer_svc.handlers.lifecycle import LifecycleHandlers
from customer_svc.handlers.requests import CustomerRequests, Resumption
from mmp_contracts.tasks import TaskKind
from mmp_servicekit.gauges import refresh_gauges
from mmp_servicekit.http import create_app, run_service
from mmp_servicekit.repository import Repository
from mmp_servicekit.runtime import Runtime
from mmp_servicekit.settings import ServiceSettings

NAME = "customer-svc"


class CustomerSettings(ServiceSettings):
    customer_port: int = 8001
    portal_url: str = "https://portal.mmp.example"


@dataclass(frozen=True)
class Handlers:
    create: CreateHandlers
    edit: EditHandlers
    dids: DidRangeHandlers
    lifecycle: LifecycleHandlers
    catalogue: CatalogueHandlers


@dataclass(frozen=True)
class CustomerService:
    app: FastAPI
    runtime: Runtime
    customers: Repository[Customer]
    handlers: Handlers


def build(settings: CustomerSettings | None = None) -> CustomerService:
    settings = settings or CustomerSettings()
    runtime = Runtime.build(NAME, settings)

    customers = ObservedCustomers(runtime.repository("customers", CustomerMapper()), runtime.metrics)
    refresh_gauges(runtime, customers.refresh_gauges)
    queries = CustomerQueries(customers)
    catalogue = Catalogue(runtime.collection("bundles"), runtime.collection("platform_groups"))
    index = DidIndex(runtime.collection("did_blocks"))

    requests = CustomerRequests(customers, index)
    handlers = Handlers(
        create=CreateHandlers(requests, customers, queries, catalogue, index, settings.portal_url),
        edit=EditHandlers(requests, catalogue),
        dids=DidRangeHandlers(requests, customers, index),
        lifecycle=LifecycleHandlers(requests, queries),
        catalogue=CatalogueHandlers(catalogue),
    )
    # R25: what runs a request that waited, by its kind, once its task finished (and settles it if refused)
    requests.resume_with(
        {
            TaskKind.UPDATE: Resumption(handlers.edit.resume_update),
            TaskKind.ADD_DID_RANGE: Resumption(handlers.dids.resume_did_change, handlers.dids.addition_refused),
            TaskKind.REMOVE_DID_RANGE: Resumption(handlers.dids.resume_did_change),
            TaskKind.DELETE: Resumption(handlers.lifecycle.resume_deletion),
            TaskKind.CONVERT_TO_DEMO: Resumption(handlers.lifecycle.resume_demo_conversion),
        }
    )

    messaging.register(runtime, handlers.create, handlers.edit, handlers.dids, handlers.lifecycle, handlers.catalogue)
    routers = [
        customers_api.router(handlers.create, customers, queries),
        edit_api.router(handlers.edit, customers),
        did_ranges_api.router(handlers.dids, customers),
        lifecycle_api.router(handlers.lifecycle, customers, queries),
        catalogue_api.router(handlers.catalogue, catalogue),
    ]
    return CustomerService(create_app(runtime, routers, title=NAME, tenant_scoped=True), runtime, customers, handlers)


def main() -> None:
    run_service(NAME, CustomerSettings, lambda settings: build(settings).app, lambda settings: settings.customer_port)


if __name__ == "__main__":
    main()
