"""Key templates: the SP writes its catalogue; customers only ever get copies of it (R15)."""

from mmp_servicekit.repository import Repository
from platform_svc.management.domain.key_templates import STANDARD_6930, KeyTemplate, KeyTemplateContent
from platform_svc.management.handlers import api_cause

SEEDED = (STANDARD_6930,)


class KeyTemplateHandlers:
    def __init__(self, key_templates: Repository[KeyTemplate]) -> None:
        self.key_templates = key_templates

    async def seed(self) -> None:
        """An `on_start` hook: adds the sandbox's templates when absent, so an SP's edit survives restarts."""
        for template in SEEDED:
            await self.key_templates.create(template, api_cause())

    async def put(self, template_id: str, content: KeyTemplateContent) -> tuple[KeyTemplate, bool]:
        """Creates or replaces the SP's template (True when created). Customers' copies are not touched (R15)."""
        template = KeyTemplate.of(template_id, content)
        cause = api_cause()
        if await self.key_templates.create(template, cause):
            return template, True
        await self.key_templates.change(template_id, cause, lambda stored: stored.replace(content))
        return template, False
