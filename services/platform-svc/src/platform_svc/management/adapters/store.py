"""The only module of platform management that knows its documents: one mapper per aggregate, and the
catalogue reads.

- `platform_groups`: one document per group id. A deleted group stays as a tombstone (`deleted: true`) so the
  event its deletion queued is still published; the catalogue skips tombstones. A flag filtered here rather
  than an index: groups are a small catalogue, read whole, and a reused id overwrites its tombstone.
- `blueprints`, `key_templates`: the registered blueprints and the SP's key templates (small catalogues).
- `platform_manager`: one document (`_id` "pm"); the password only as Fernet ciphertext (`password_sealed`).
Datetimes are ISO strings.
"""

import asyncio
from collections.abc import Sequence
from datetime import datetime

from mmp_servicekit.repository import Repository
from mmp_servicekit.store import Document, Index
from platform_svc.management.domain.blueprints import Blueprint
from platform_svc.management.domain.groups import PlatformGroup
from platform_svc.management.domain.key_templates import KeyTemplate
from platform_svc.management.domain.platform_manager import PlatformManagerRegistration, PmStatus


class GroupMapper:
    indexes: Sequence[Index] = ()

    def to_document(self, group: PlatformGroup) -> Document:
        return {"_id": group.id, **group.model_dump(mode="json", exclude={"id"}), "deleted": group.deleted}

    def from_document(self, doc: Document) -> PlatformGroup:
        fields = {key: value for key, value in doc.items() if key in PlatformGroup.model_fields}
        return PlatformGroup.model_validate({**fields, "id": doc["_id"]})


class BlueprintMapper:
    indexes: Sequence[Index] = ()

    def to_document(self, blueprint: Blueprint) -> Document:
        return {"_id": blueprint.id, **blueprint.model_dump(mode="json", exclude={"id"})}

    def from_document(self, doc: Document) -> Blueprint:
        fields = {key: value for key, value in doc.items() if key in Blueprint.model_fields}
        return Blueprint.model_validate({**fields, "id": doc["_id"]})


class KeyTemplateMapper:
    indexes: Sequence[Index] = ()

    def to_document(self, template: KeyTemplate) -> Document:
        return {"_id": template.id, **template.model_dump(mode="json", exclude={"id"})}

    def from_document(self, doc: Document) -> KeyTemplate:
        fields = {key: value for key, value in doc.items() if key in KeyTemplate.model_fields}
        return KeyTemplate.model_validate({**fields, "id": doc["_id"]})


class PlatformManagerMapper:
    indexes: Sequence[Index] = ()

    def to_document(self, pm: PlatformManagerRegistration) -> Document:
        return {
            "_id": PlatformManagerRegistration.ID,
            "enabled": pm.enabled,
            "url": pm.url,
            "username": pm.username,
            "password_sealed": pm.sealed_password,
            "status": pm.status.value,
            "checked_at": pm.checked_at.isoformat() if pm.checked_at else None,
            "last_error": pm.last_error,
            "pm_version": pm.pm_version,
        }

    def from_document(self, doc: Document) -> PlatformManagerRegistration:
        checked_at = doc.get("checked_at")
        return PlatformManagerRegistration(
            enabled=doc["enabled"],
            url=doc.get("url"),
            username=doc.get("username"),
            sealed_password=doc.get("password_sealed"),
            status=PmStatus(doc["status"]),
            checked_at=datetime.fromisoformat(checked_at) if checked_at else None,
            last_error=doc.get("last_error"),
            pm_version=doc.get("pm_version"),
        )


class PlatformCatalogue:
    """The live platform groups and the SP's key templates: what the API lists, and all provisioning reads
    of platform management (R1, R15)."""

    def __init__(self, groups: Repository[PlatformGroup], key_templates: Repository[KeyTemplate]) -> None:
        self._groups = groups
        self._key_templates = key_templates

    async def group(self, group_id: str) -> PlatformGroup | None:
        """None for an unknown or deleted group."""
        group = await self._groups.get(group_id)
        return None if group is None or group.deleted else group

    async def groups(self) -> list[PlatformGroup]:
        return [group for group in await self._groups.find() if not group.deleted]

    async def key_templates(self, template_ids: Sequence[str]) -> dict[str, KeyTemplate]:
        """The ones that exist, as they read now (the snapshot copied to a customer, R15)."""
        found = await asyncio.gather(*(self._key_templates.get(template_id) for template_id in template_ids))
        return {template.id: template for template in found if template is not None}
