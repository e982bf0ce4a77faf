"""Mail templates: the defaults seeded at start, an SP's edits validated before they are stored."""

from mmp_contracts.base import Violation
from notify_svc.adapters.store import TemplateStore
from notify_svc.domain.billing_change import BILLING_CHANGE_TEMPLATE
from notify_svc.domain.templates import DEFAULT_TEMPLATE, MailTemplate, rules_for, validate_template
from notify_svc.handlers import Clock, utc_now


class TemplateHandlers:
    def __init__(self, templates: TemplateStore, clock: Clock = utc_now) -> None:
        self.templates = templates
        self.clock = clock

    async def seed_defaults(self) -> None:
        """Each default only if absent, so an SP's edit of it survives restarts."""
        for template in (DEFAULT_TEMPLATE, BILLING_CHANGE_TEMPLATE):
            await self.templates.seed(template, self.clock())

    async def put_template(self, template: MailTemplate) -> list[Violation]:
        violations = validate_template(template.subject, template.body, rules_for(template.id))
        if not violations:
            await self.templates.put(template, self.clock())
        return violations
