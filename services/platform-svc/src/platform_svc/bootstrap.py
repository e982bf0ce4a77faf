"""The composition root, the only place objects are built: settings -> runtime -> repositories -> adapters ->
handlers (management, then provisioning, each handed the other's small query) -> the message table -> API
routers -> app."""

from dataclasses import dataclass

import httpx
from fastapi import FastAPI
from pydantic import SecretStr

from mmp_servicekit.gauges import refresh_gauges
from mmp_servicekit.http import create_app, run_service
from mmp_servicekit.periodic import every
from mmp_servicekit.platform_http import PlatformClient, new_http_client
from mmp_servicekit.runtime import Runtime
from mmp_servicekit.settings import ServiceSettings
from platform_svc.management.adapters.metrics import PlatformManagerStatus
from platform_svc.management.adapters.platforms import PlatformProbes
from platform_svc.management.adapters.pm_client import PmClient
from platform_svc.management.adapters.secretbox import SecretBox
from platform_svc.management.adapters.store import (
    BlueprintMapper,
    GroupMapper,
    KeyTemplateMapper,
    PlatformCatalogue,
    PlatformManagerMapper,
)
from platform_svc.management.entrypoints.api.blueprints import blueprints_router
from platform_svc.management.entrypoints.api.errors import answer_refusals
from platform_svc.management.entrypoints.api.groups import groups_router
from platform_svc.management.entrypoints.api.key_templates import key_templates_router
from platform_svc.management.entrypoints.api.platform_manager import platform_manager_router
from platform_svc.management.handlers.blueprints import BlueprintHandlers
from platform_svc.management.handlers.groups import GroupHandlers
from platform_svc.management.handlers.key_templates import KeyTemplateHandlers
from platform_svc.management.handlers.platform_manager import PlatformManagerHandlers
from platform_svc.provisioning.adapters.mbg import Mbg
from platform_svc.provisioning.adapters.micollab import MiCollab
from platform_svc.provisioning.adapters.mivb import Mivb
from platform_svc.provisioning.adapters.store import AssignmentMapper, PinnedGroups, SipClaims
from platform_svc.provisioning.entrypoints import messaging
from platform_svc.provisioning.handlers.create import CreateHandlers
from platform_svc.provisioning.handlers.did_ranges import DidRangeHandlers
from platform_svc.provisioning.handlers.edit import EditHandlers
from platform_svc.provisioning.handlers.live import LiveChecks
from platform_svc.provisioning.handlers.release import ReleaseHandlers
from platform_svc.provisioning.handlers.steps import StepCalls

NAME = "platform-svc"


class PlatformSettings(ServiceSettings):
    platform_port: int = 8002
    secrets_key: SecretStr
    """`MMP_SECRETS_KEY`: the Fernet key (url-safe base64 of 32 bytes) that encrypts platform secrets at rest;
    without it the service does not start (a key made up at start would lose them at the next)."""
    pm_check_seconds: float = 30.0
    """How often the stored Platform Manager credentials are checked (R3)."""
    group_refresh_seconds: float = 30.0
    """How often each platform group's versions and reachability are read again (R16-R19)."""


@dataclass(frozen=True)
class PlatformService:
    app: FastAPI
    runtime: Runtime
    create: CreateHandlers
    """The create saga's entry, for tests that drive it as the broker would."""
    key_templates: KeyTemplateHandlers


def build(settings: PlatformSettings | None = None, http: httpx.AsyncClient | None = None) -> PlatformService:
    """`http` lets tests pass a client of their own (closed by them); otherwise one is made and closed here."""
    settings = settings or PlatformSettings()
    runtime = Runtime.build(NAME, settings)
    if http is None:
        http = new_http_client()
        runtime.on_stop.append(http.aclose)
    platform = PlatformClient(http, runtime.metrics)

    groups = runtime.repository("platform_groups", GroupMapper())
    blueprints = runtime.repository("blueprints", BlueprintMapper())
    key_templates = runtime.repository("key_templates", KeyTemplateMapper())
    registrations = runtime.repository("platform_manager", PlatformManagerMapper())
    refresh_gauges(runtime, PlatformManagerStatus(registrations, runtime.metrics).refresh)
    assignments = runtime.repository("assignments", AssignmentMapper())
    claims = SipClaims(runtime.collection("sip_usernames"))
    catalogue = PlatformCatalogue(groups, key_templates)

    pm_client = PmClient(platform)
    box = SecretBox(settings.secrets_key)
    manager = PlatformManagerHandlers(registrations, pm_client, box, runtime.metrics.registry)
    blueprint_handlers = BlueprintHandlers(blueprints, manager, pm_client)
    key_template_handlers = KeyTemplateHandlers(key_templates)
    group_handlers = GroupHandlers(
        groups, catalogue, blueprints, registrations, PlatformProbes(platform), PinnedGroups(assignments)
    )
    runtime.on_start.append(key_template_handlers.seed)  # before the broker starts consuming (R15 needs it)
    every(runtime, "platform-manager-check", settings.pm_check_seconds, manager.check)
    every(runtime, "platform-group-refresh", settings.group_refresh_seconds, group_handlers.refresh_all)

    mivb, mbg = Mivb(platform), Mbg(platform)
    live = LiveChecks(catalogue, mivb, MiCollab(platform))
    calls = StepCalls(mivb, mbg, claims)
    create = CreateHandlers(assignments, live, claims, calls)
    messaging.register(
        runtime,
        create,
        ReleaseHandlers(assignments, calls),
        EditHandlers(assignments, live, mivb),
        DidRangeHandlers(assignments, mivb),
    )

    routers = [
        groups_router(group_handlers, catalogue),
        platform_manager_router(manager),
        blueprints_router(blueprint_handlers, blueprints),
        key_templates_router(key_template_handlers, key_templates),
    ]
    app = create_app(runtime, routers, title=NAME)
    answer_refusals(app)
    return PlatformService(app, runtime, create, key_template_handlers)


def main() -> None:
    run_service(NAME, PlatformSettings, lambda settings: build(settings).app, lambda settings: settings.platform_port)


if __name__ == "__main__":
    main()
