"""Blueprint use cases (R2): what the Platform Manager offers, registering one here, editing it."""

import uuid
from typing import Any

from pydantic import BaseModel

from mmp_contracts import Violation
from mmp_servicekit.outbox import Cause
from mmp_servicekit.store import DuplicateKeyError
from platform_svc.domain import blueprints as rules
from platform_svc.domain.blueprints import Blueprint, OfferedBlueprint
from platform_svc.domain.platform_manager import PmAnswer, PmStatus
from platform_svc.domain.refusals import Refusal, RefusalKind
from platform_svc.platform_manager import PlatformManager
from platform_svc.pm_client import PmClient
from platform_svc.store import PlatformStore, blueprint_document, blueprint_of


class Offer(OfferedBlueprint):
    registered: bool
    """Whether the blueprint is registered here already."""


class Offers(BaseModel):
    items: list[Offer]


class BlueprintCatalogue:
    def __init__(self, store: PlatformStore, manager: PlatformManager, client: PmClient) -> None:
        self.store = store
        self.manager = manager
        self.client = client

    async def offered(self) -> Offers | Refusal:
        credentials = await self.manager.credentials()
        if isinstance(credentials, Refusal):
            return credentials
        offered = await self.client.blueprints(credentials)
        if isinstance(offered, PmAnswer):
            return await self._pm_failed(offered)
        registered = {blueprint.id for blueprint in await self.store.all_blueprints()}
        return Offers(items=[Offer(**b.model_dump(), registered=b.id in registered) for b in offered])

    async def register(self, blueprint_id: str) -> Blueprint | Refusal:
        credentials = await self.manager.credentials()
        if isinstance(credentials, Refusal):
            return credentials
        if await self.store.blueprint(blueprint_id) is not None:
            return _already(blueprint_id)
        offered = await self.client.blueprint(credentials, blueprint_id)
        if offered is None:
            message = f"the Platform Manager offers no blueprint {blueprint_id}"
            return Refusal.of(RefusalKind.NOT_FOUND, "blueprint_id", "R2", message)
        if isinstance(offered, PmAnswer):
            return await self._pm_failed(offered)
        if refusal := rules.check_platform_type(offered):  # R2
            return refusal
        blueprint = rules.registered(offered)
        try:
            await self.store.blueprints.insert(blueprint_document(blueprint), _cause())
        except DuplicateKeyError:
            return _already(blueprint_id)
        return blueprint

    async def edit(self, blueprint_id: str, patch: dict[str, Any]) -> Blueprint | list[Violation] | None:
        """The edited blueprint, why the edit is refused, or None for an unknown blueprint."""
        for _ in range(5):
            doc = await self.store.blueprints.get(blueprint_id)
            if doc is None:
                return None
            result = rules.edited(blueprint_of(doc), patch)
            if isinstance(result, list):
                return result
            changes = {key: value for key, value in blueprint_document(result).items() if key != "_id"}
            if await self.store.blueprints.update(blueprint_id, doc["version"], changes, _cause()):
                return result
        raise RuntimeError(f"blueprint {blueprint_id} kept changing under 5 attempts")

    async def _pm_failed(self, answer: PmAnswer) -> Refusal:
        if answer.status is PmStatus.CREDENTIALS_REJECTED:
            await self.manager.check()  # R3: the status shows it at once, not at the next periodic check
            message = f"{answer.reason}; rotate them (POST /api/v1/platform-manager/credentials)"
            return Refusal.of(RefusalKind.UPSTREAM, "password", "R3", message)
        return Refusal.of(RefusalKind.UPSTREAM, "url", "R2", answer.reason or "the Platform Manager did not answer")


def _already(blueprint_id: str) -> Refusal:
    return Refusal.of(RefusalKind.CONFLICT, "blueprint_id", "R2", f"blueprint {blueprint_id} is registered already")


def _cause() -> Cause:
    return Cause(correlation_id=str(uuid.uuid4()))
