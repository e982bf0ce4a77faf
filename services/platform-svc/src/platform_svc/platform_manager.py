"""Platform Manager use cases: the feature switch, registration, rotation, the credentials check (R2, R3).

The password is verified against the PM before it is stored, stored only as Fernet ciphertext, and
decrypted only for the call that needs it. A rotation replaces the stored credentials only once the
PM accepted the new ones, so the old ones keep serving until then: no downtime.
"""

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Gauge
from pydantic import BaseModel, SecretStr

from mmp_contracts import Message
from mmp_servicekit.outbox import Cause
from mmp_servicekit.store import DuplicateKeyError
from platform_svc.domain import platform_manager as pm
from platform_svc.domain.platform_manager import PmAnswer, PmStatus
from platform_svc.domain.refusals import Refusal, RefusalKind
from platform_svc.pm_client import PmClient, PmCredentials
from platform_svc.secretbox import SecretBox, SecretUnreadable
from platform_svc.store import PM_ID, PlatformStore, now

log = logging.getLogger(__name__)
ATTEMPTS = 5
UNREADABLE = "the stored password cannot be decrypted with MMP_SECRETS_KEY (was the key changed?); rotate it"
Decide = Callable[[dict[str, Any]], tuple[dict[str, Any], list[Message]]]


class PmView(BaseModel):
    """What the API shows: never the password, not even encrypted."""

    enabled: bool = False
    url: str | None = None
    username: str | None = None
    status: PmStatus = PmStatus.NOT_REGISTERED
    checked_at: datetime | None = None
    last_error: str | None = None
    pm_version: str | None = None
    """The Platform Manager's software version, as it reported it at the last check."""


class PlatformManager:
    def __init__(self, store: PlatformStore, client: PmClient, box: SecretBox, registry: CollectorRegistry) -> None:
        self.store = store
        self.client = client
        self.box = box
        self.gauge = Gauge(
            "mmp_platform_manager_credentials_ok",
            "1 when the stored Platform Manager credentials were accepted at the last check, else 0 (R3)",
            registry=registry,
        )

    async def view(self) -> PmView:
        doc = await self.store.pm_document() or {}
        view = PmView.model_validate({key: value for key, value in doc.items() if key in PmView.model_fields})
        self.gauge.set(pm.credentials_ok(view.status) if view.enabled else 0.0)
        return view

    async def set_feature(self, enabled: bool) -> PmView:
        await self._mutate(lambda doc: ({"enabled": enabled}, []))
        log.info("Platform Manager feature %s", "enabled" if enabled else "disabled")
        return await self.view()

    async def register(self, url: str, username: str, password: SecretStr) -> PmView | Refusal:
        doc = await self.store.pm_document() or {}
        if refusal := pm.check_feature_enabled(doc.get("enabled", False)) or pm.check_url(url):
            return refusal
        url = url.rstrip("/")
        return await self._verify_and_store(PmCredentials(url, username, password), "registered")

    async def rotate(self, username: str, password: SecretStr) -> PmView | Refusal:
        doc = await self.store.pm_document() or {}
        if refusal := pm.check_feature_enabled(doc.get("enabled", False)) or pm.check_registered(doc.get("url")):
            return refusal
        return await self._verify_and_store(PmCredentials(doc["url"], username, password), "credentials rotated")

    async def credentials(self) -> PmCredentials | Refusal:
        """The stored credentials for a call to the PM, or why there are none to use (R2, R3)."""
        doc = await self.store.pm_document() or {}
        if refusal := pm.check_feature_enabled(doc.get("enabled", False)) or pm.check_registered(doc.get("url")):
            return refusal
        try:
            return self._stored(doc)
        except SecretUnreadable:
            return Refusal.of(RefusalKind.UPSTREAM, "password", "R3", UNREADABLE)

    async def check(self) -> PmView:
        """Re-checks the stored credentials: the periodic job and POST /api/v1/platform-manager/check."""
        doc = await self.store.pm_document()
        if doc is None or not doc.get("enabled") or not doc.get("url"):
            return await self.view()
        try:
            answer = await self.client.system(self._stored(doc))
        except SecretUnreadable:
            answer = PmAnswer(PmStatus.CREDENTIALS_REJECTED, UNREADABLE)
        changes, emit = self._status(doc, answer, answer.reason, doc["url"])
        # One attempt: if anything wrote meanwhile (a rotation), this answer may be about stale credentials.
        if await self.store.platform_manager.update(PM_ID, doc["version"], changes, _cause(), emit) and emit:
            level = logging.INFO if answer.status is PmStatus.OK else logging.WARNING
            log.log(level, "Platform Manager credentials status is now %s: %s", answer.status, answer.reason or "ok")
        return await self.view()

    def _stored(self, doc: dict[str, Any]) -> PmCredentials:
        return PmCredentials(doc["url"], doc["username"], SecretStr(self.box.open(doc["password_sealed"])))

    async def _verify_and_store(self, new: PmCredentials, why: str) -> PmView | Refusal:
        answer = await self.client.system(new)
        if refusal := pm.verification_refusal(new.url, answer):
            return refusal
        sealed = self.box.seal(new.password.get_secret_value())

        def store(doc: dict[str, Any]) -> tuple[dict[str, Any], list[Message]]:
            changes, emit = self._status(doc, answer, why, new.url)
            return {**changes, "url": new.url, "username": new.username, "password_sealed": sealed}, emit

        await self._mutate(store)
        log.info("Platform Manager at %s %s", new.url, why)
        return await self.view()

    @staticmethod
    def _status(
        doc: dict[str, Any], answer: PmAnswer, reason: str | None, url: str
    ) -> tuple[dict[str, Any], list[Message]]:
        before = PmStatus(doc.get("status", PmStatus.NOT_REGISTERED))
        changed = pm.status_change(before, answer.status, reason, url)
        changes = {
            "status": answer.status.value,
            "checked_at": now(),
            "last_error": None if answer.status is PmStatus.OK else answer.reason,
            "pm_version": answer.version or doc.get("pm_version"),
        }
        return changes, [changed] if changed else []

    async def _mutate(self, decide: Decide) -> None:
        for _ in range(ATTEMPTS):
            doc = await self.store.pm_document()
            changes, emit = decide(doc or {})
            if doc is None:
                try:
                    first = {"_id": PM_ID, "enabled": False, **changes}
                    await self.store.platform_manager.insert(first, _cause(), emit)
                    return
                except DuplicateKeyError:
                    continue
            elif await self.store.platform_manager.update(PM_ID, doc["version"], changes, _cause(), emit):
                return
        raise RuntimeError(f"the Platform Manager record kept changing under {ATTEMPTS} attempts")


def _cause() -> Cause:
    return Cause(correlation_id=str(uuid.uuid4()))
