"""The set-password link (R26): redeemed once, before it expires; withdrawn once its customer can no longer be
logged into (R23, R24). The password itself is checked by the API and dropped: setting it on MiCollab is out
of scope here."""

import logging

from mmp_contracts import CloudEvent, Message
from mmp_contracts.events import CustomerConvertedToDemo, CustomerDeleted
from mmp_servicekit.outbox import Cause
from mmp_servicekit.repository import Outcome, Repository
from notify_svc.domain.links import Redemption, Withdrawal, hash_token
from notify_svc.domain.welcome import WelcomeMail
from notify_svc.handlers import Clock, utc_now

log = logging.getLogger(__name__)


class SetPasswordHandlers:
    def __init__(self, mails: Repository[WelcomeMail], clock: Clock = utc_now) -> None:
        self.mails = mails
        self.clock = clock

    async def set_password(self, token: str) -> Redemption:
        token_hash = hash_token(token)
        found = await self.mails.find(link_hash=token_hash)
        if not found:
            return Redemption.UNKNOWN
        customer_id, now = found[0].customer_id, self.clock()
        redemption = Redemption.UNKNOWN

        def redeem(mail: WelcomeMail) -> list[Message] | None:
            nonlocal redemption
            redemption = mail.redeem_link(token_hash, now)
            return [] if redemption is Redemption.ACCEPTED else None  # only a redemption changes the mail

        await self.mails.change(customer_id, Cause(correlation_id=f"set-password:{customer_id}"), redeem)
        if redemption is Redemption.ACCEPTED:
            log.info("set-password link of customer %s redeemed", customer_id)
        return redemption

    async def customer_converted_to_demo(self, event: CustomerConvertedToDemo, envelope: CloudEvent) -> None:
        await self._withdraw(event.customer_id, Withdrawal.DEMO_MODE, Cause.of(envelope))

    async def customer_deleted(self, event: CustomerDeleted, envelope: CloudEvent) -> None:
        await self._withdraw(event.customer_id, Withdrawal.DELETED, Cause.of(envelope))

    async def _withdraw(self, customer_id: str, why: Withdrawal, cause: Cause) -> None:
        # No mail, or one without a link or with a redeemed one: nothing to withdraw, nothing written.
        now = self.clock()
        if await self.mails.change(customer_id, cause, lambda mail: mail.withdraw_link(why, now)) is Outcome.CHANGED:
            log.info("set-password link of customer %s withdrawn: %s", customer_id, why.value)
