"""The composition root: settings -> runtime -> the tenants' repository -> MiCollab client -> handlers ->
the message dispatch table -> app."""

from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from micollab_svc.adapters.micollab import MiCollab
from micollab_svc.adapters.store import TenantMapper
from micollab_svc.domain.tenant import Tenant
from micollab_svc.entrypoints import messaging
from micollab_svc.handlers.edit import EditHandlers
from micollab_svc.handlers.provisioning import ProvisioningHandlers
from micollab_svc.handlers.removal import RemovalHandlers
from mmp_servicekit.gauges import refresh_gauges
from mmp_servicekit.http import create_app, run_service
from mmp_servicekit.platform_http import PlatformClient, new_http_client
from mmp_servicekit.repository import Repository
from mmp_servicekit.runtime import Runtime
from mmp_servicekit.settings import ServiceSettings

NAME = "micollab-svc"


class MiCollabSettings(ServiceSettings):
    micollab_port: int = 8003


@dataclass(frozen=True)
class MiCollabService:
    app: FastAPI
    runtime: Runtime
    tenants: Repository[Tenant]


def build(settings: MiCollabSettings | None = None, http: httpx.AsyncClient | None = None) -> MiCollabService:
    """`http` lets tests route MiCollab calls to a simulator in process; the caller then closes it."""
    settings = settings or MiCollabSettings()
    runtime = Runtime.build(NAME, settings)
    refresh_gauges(runtime)  # the consumer lag
    tenants = runtime.repository("tenants", TenantMapper())
    if http is None:
        http = new_http_client()
        runtime.on_stop.append(http.aclose)
    micollab = MiCollab(PlatformClient(http, runtime.metrics))
    messaging.register(
        runtime,
        ProvisioningHandlers(tenants, micollab),
        EditHandlers(tenants, micollab),
        RemovalHandlers(tenants, micollab),
    )
    return MiCollabService(create_app(runtime, [], title=NAME), runtime, tenants)


def main() -> None:
    run_service(NAME, MiCollabSettings, lambda settings: build(settings).app, lambda settings: settings.micollab_port)


if __name__ == "__main__":
    main()
