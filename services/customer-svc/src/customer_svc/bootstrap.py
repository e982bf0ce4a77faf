"""The composition root: settings -> runtime -> repositories and adapters -> handlers -> the table of
resumptions -> subscriptions, the deadline job and API routers -> app. Nothing is built anywhere else."""

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import FastAPI
from pydantic import Field

from customer_svc.adapters.did_index import DidIndex
from customer_svc.adapters.metrics import ObservedCustomers
from customer_svc.adapters.store import (
    Catalogue,
    CustomerMapper,
    CustomerQueries,
    DueCustomers,
    RefusedRequestMapper,
    Retention,
)
from customer_svc.domain.customer import Customer
from customer_svc.domain.deadlines import Deadlines
from customer_svc.domain.refused_request import RefusedRequest
from customer_svc.entrypoints import messaging
from customer_svc.entrypoints.api import catalogue as catalogue_api
from customer_svc.entrypoints.api import customers as customers_api
from customer_svc.entrypoints.api import did_ranges as did_ranges_api
from customer_svc.entrypoints.api import edit as edit_api
from customer_svc.entrypoints.api import lifecycle as lifecycle_api
from customer_svc.entrypoints.api import tasks as tasks_api
from customer_svc.handlers.catalogue import CatalogueHandlers
from customer_svc.handlers.create import CreateHandlers
from customer_svc.handlers.deadlines import DeadlineHandlers
from customer_svc.handlers.did_ranges import DidRangeHandlers
from customer_svc.handlers.edit import EditHandlers
from customer_svc.handlers.lifecycle import LifecycleHandlers
from customer_svc.handlers.requests import CustomerRequests, Resumption
from mmp_contracts.tasks import TaskKind
from mmp_servicekit.gauges import refresh_gauges
from mmp_servicekit.http import create_app, run_service
from mmp_servicekit.periodic import every
from mmp_servicekit.repository import Repository
from mmp_servicekit.runtime import Runtime
from mmp_servicekit.settings import ServiceSettings
from mmp_servicekit.store import Collection

NAME = "customer-svc"


class CustomerSettings(ServiceSettings):
    customer_port: int = 8001
    portal_url: str = "https://portal.mmp.example"
    deadline_create_seconds: float = Field(600, gt=0)
    deadline_update_seconds: float = Field(600, gt=0)
    deadline_confirmation_seconds: float = Field(7 * 24 * 3600, gt=0)
    deadline_did_change_seconds: float = Field(600, gt=0)
    deadline_deletion_seconds: float = Field(600, gt=0)
    deadline_rollback_seconds: float = Field(600, gt=0)
    overdue_check_seconds: float = Field(30, gt=0)
    """How often the deadline job looks for work past its deadline."""
    closed_tasks_kept: int = Field(50, ge=0)
    """Per customer, beside its open tasks and its create."""
    steps_kept: int = Field(200, ge=1)
    """Per customer: the last steps of its timeline."""

    def deadlines(self) -> Deadlines:
        return Deadlines(
            create=self.deadline_create_seconds,
            update=self.deadline_update_seconds,
            confirmation=self.deadline_confirmation_seconds,
            did_change=self.deadline_did_change_seconds,
            deletion=self.deadline_deletion_seconds,
            rollback=self.deadline_rollback_seconds,
        )


@dataclass(frozen=True)
class Handlers:
    create: CreateHandlers
    edit: EditHandlers
    dids: DidRangeHandlers
    lifecycle: LifecycleHandlers
    catalogue: CatalogueHandlers
    deadlines: DeadlineHandlers


@dataclass(frozen=True)
class CustomerService:
    app: FastAPI
    runtime: Runtime
    customers: Repository[Customer]
    handlers: Handlers


def build(settings: CustomerSettings | None = None) -> CustomerService:
    settings = settings or CustomerSettings()
    runtime = Runtime.build(NAME, settings)

    mapper = CustomerMapper(settings.deadlines(), Retention(settings.closed_tasks_kept, settings.steps_kept))
    customers = ObservedCustomers(runtime.repository("customers", mapper), runtime.metrics)
    refresh_gauges(runtime, customers.refresh_gauges)
    refused = runtime.repository("refused_requests", RefusedRequestMapper())
    queries = CustomerQueries(customers)
    catalogue = Catalogue(runtime.collection("bundles"), runtime.collection("platform_groups"))
    handlers = compose(settings, customers, refused, catalogue, runtime.collection)

    messaging.register(runtime, handlers.create, handlers.edit, handlers.dids, handlers.lifecycle, handlers.catalogue)
    every(runtime, "customer-deadlines", settings.overdue_check_seconds, handlers.deadlines.pass_deadlines)
    routers = [
        customers_api.router(handlers.create, customers, queries),
        edit_api.router(handlers.edit, customers),
        did_ranges_api.router(handlers.dids, customers),
        lifecycle_api.router(handlers.lifecycle, customers, queries),
        tasks_api.router(handlers.deadlines, queries, refused),
        catalogue_api.router(handlers.catalogue, catalogue),
    ]
    return CustomerService(create_app(runtime, routers, title=NAME, tenant_scoped=True), runtime, customers, handlers)


def compose(
    settings: CustomerSettings,
    customers: Repository[Customer],
    refused: Repository[RefusedRequest],
    catalogue: Catalogue,
    collection: Callable[[str], Collection],
) -> Handlers:
    """The use cases over the service's repositories and plain collections, and the table of resumptions."""
    queries = CustomerQueries(customers)
    index = DidIndex(collection("did_blocks"), queries)
    requests = CustomerRequests(customers, refused, index)
    dids = DidRangeHandlers(requests, customers, index)
    due = DueCustomers(customers, collection("deadline_scan"))
    handlers = Handlers(
        create=CreateHandlers(requests, customers, queries, catalogue, index, settings.portal_url),
        edit=EditHandlers(requests, catalogue),
        dids=dids,
        lifecycle=LifecycleHandlers(requests, queries),
        catalogue=CatalogueHandlers(catalogue),
        deadlines=DeadlineHandlers(requests, customers, queries, due, refused, dids, settings.deadlines()),
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
    return handlers


def main() -> None:
    run_service(NAME, CustomerSettings, lambda settings: build(settings).app, lambda settings: settings.customer_port)


if __name__ == "__main__":
    main()
