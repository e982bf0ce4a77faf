"""The Platform Manager: the feature switch, registration, rotation, the credentials check (R2, R3).

The password is verified against the PM before it is stored, stored only as Fernet ciphertext, and
decrypted only for the call that needs it. A rotation replaces the stored credentials only once the PM
accepted the new ones, so the old ones keep serving until then: no downtime.
"""

import logging

from prometheus_client import CollectorRegistry, Gauge
from pydantic import SecretStr

from mmp_contracts import Message
from mmp_servicekit.repository import Outcome, Repository, Transition
from platform_svc.management.adapters.pm_client import PmClient
from platform_svc.management.adapters.secretbox import SecretBox, SecretUnreadable
from platform_svc.management.domain.platform_manager import (
    UNREADABLE,
    PlatformManagerRegistration,
    PmAnswer,
    PmCredentials,
    PmStatus,
    SealedCredentials,
)
from platform_svc.management.domain.refusals import Refusal, RefusalKind
from platform_svc.management.handlers import api_cause, now

log = logging.getLogger(__name__)
PM_ID = PlatformManagerRegistration.ID


class PlatformManagerHandlers:
    def __init__(
        self,
        registrations: Repository[PlatformManagerRegistration],
        client: PmClient,
        box: SecretBox,
        registry: CollectorRegistry,
    ) -> None:
        self.registrations = registrations
        self.client = client
        self.box = box
        self.gauge = Gauge(
            "mmp_platform_manager_credentials_ok",
            "1 when the stored Platform Manager credentials were accepted at the last check, else 0 (R3)",
            registry=registry,
        )

    async def view(self) -> PlatformManagerRegistration:
        pm = await self._current()
        self.gauge.set(pm.credentials_ok)
        return pm

    async def set_feature(self, enabled: bool) -> PlatformManagerRegistration:
        await self._change(lambda pm: pm.switch(enabled))
        log.info("Platform Manager feature %s", "enabled" if enabled else "disabled")
        return await self.view()

    async def register(self, url: str, username: str, password: SecretStr) -> PlatformManagerRegistration:
        (await self._current()).check_may_register(url)
        return await self._verify_and_store(PmCredentials(url.rstrip("/"), username, password), "registered")

    async def rotate(self, username: str, password: SecretStr) -> PlatformManagerRegistration:
        stored = (await self._current()).stored()
        return await self._verify_and_store(PmCredentials(stored.url, username, password), "credentials rotated")

    async def credentials(self) -> PmCredentials:
        """The stored credentials for a call to the PM; refused when there are none to use (R2, R3)."""
        try:
            return self._opened((await self._current()).stored())
        except SecretUnreadable as unreadable:
            raise Refusal.of(RefusalKind.UPSTREAM, "password", "R3", UNREADABLE) from unreadable

    async def check(self) -> PlatformManagerRegistration:
        """Re-checks the stored credentials: the periodic job and POST /api/v1/platform-manager/check."""
        pm = await self._current()
        if not pm.in_use:
            return await self.view()
        stored = pm.stored()
        try:
            answer = await self.client.system(self._opened(stored))
        except SecretUnreadable:
            answer = PmAnswer(PmStatus.CREDENTIALS_REJECTED, UNREADABLE)
        moved = False

        def record(current: PlatformManagerRegistration) -> list[Message] | None:
            nonlocal moved
            events = current.checked(stored.sealed_password, answer, now())
            moved = bool(events)
            return events

        if await self.registrations.change(PM_ID, api_cause(), record) is Outcome.CHANGED and moved:
            level = logging.INFO if answer.status is PmStatus.OK else logging.WARNING
            log.log(level, "Platform Manager credentials status is now %s: %s", answer.status, answer.reason or "ok")
        return await self.view()

    async def _verify_and_store(self, new: PmCredentials, why: str) -> PlatformManagerRegistration:
        answer = await self.client.system(new)
        sealed = self.box.seal(new.password.get_secret_value())
        await self._change(lambda pm: pm.store(new.url, new.username, sealed, answer, why, now()))
        log.info("Platform Manager at %s %s", new.url, why)
        return await self.view()

    def _opened(self, stored: SealedCredentials) -> PmCredentials:
        return PmCredentials(stored.url, stored.username, SecretStr(self.box.open(stored.sealed_password)))

    async def _current(self) -> PlatformManagerRegistration:
        return await self.registrations.get(PM_ID) or PlatformManagerRegistration()

    async def _change(self, transition: Transition[PlatformManagerRegistration]) -> None:
        cause = api_cause()
        if await self.registrations.change(PM_ID, cause, transition) is Outcome.MISSING:
            await self.registrations.create(PlatformManagerRegistration(), cause)
            await self.registrations.change(PM_ID, cause, transition)
