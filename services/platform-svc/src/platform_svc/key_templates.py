"""Key template use cases: the SP writes its catalogue; customers only ever get copies of it (R15)."""

import contextlib
import uuid

from mmp_contracts import Violation
from mmp_servicekit.outbox import Cause, ConcurrentWrites
from mmp_servicekit.store import DuplicateKeyError
from platform_svc.domain.key_templates import STANDARD_6930, KeyTemplate, KeyTemplateContent, check_content
from platform_svc.store import PlatformStore, key_template_document

ATTEMPTS = 5
SEEDED = (STANDARD_6930,)


class KeyTemplateCatalogue:
    def __init__(self, store: PlatformStore) -> None:
        self.store = store

    async def seed(self) -> None:
        """An `on_start` hook: adds the sandbox's templates when absent, so an SP's edit survives restarts."""
        for template in SEEDED:
            if await self.store.key_templates.get(template.id) is not None:
                continue
            with contextlib.suppress(DuplicateKeyError):  # another instance seeded it in between
                await self.store.key_templates.insert(key_template_document(template), _cause())

    async def put(self, template_id: str, content: KeyTemplateContent) -> tuple[KeyTemplate, bool] | list[Violation]:
        """Creates or replaces the SP's template (True when created). Customers' copies are not touched (R15)."""
        if violations := check_content(content):
            return violations
        template = KeyTemplate.of(template_id, content)
        doc = key_template_document(template)
        for _ in range(ATTEMPTS):
            existing = await self.store.key_templates.get(template_id)
            if existing is None:
                try:
                    await self.store.key_templates.insert(doc, _cause())
                    return template, True
                except DuplicateKeyError:
                    continue  # created concurrently: replace it instead
            changes = {key: value for key, value in doc.items() if key != "_id"}
            if await self.store.key_templates.update(template_id, existing["version"], changes, _cause()):
                return template, False
        raise ConcurrentWrites(f"key template {template_id} kept changing under {ATTEMPTS} attempts")


def _cause() -> Cause:
    return Cause(correlation_id=str(uuid.uuid4()))
