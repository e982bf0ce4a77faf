"""Redeeming a set-password link (R26): once, before it expires. The password itself is checked by the API
and dropped: setting it on MiCollab is out of scope here."""

import logging

from mmp_contracts import Message
from mmp_servicekit.outbox import Cause
from mmp_servicekit.repository import Repository
from notify_svc.domain.links import Redemption, hash_token
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
