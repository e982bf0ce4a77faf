"""Platform Manager blueprints registered here (R2): what can be registered, edited, and used.

A blueprint's id and platform type come from the Platform Manager and never change here; the SP may
rename it, describe it and deprecate it. A deprecated blueprint makes no new group, while the groups
already made from it keep working (nothing about a group depends on its blueprint after creation).
"""

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mmp_contracts import Message, Violation
from platform_svc.management.domain.platforms import MIVB, Model
from platform_svc.management.domain.refusals import Refusal, RefusalKind

EDITABLE = ("name", "description", "deprecated")


class OfferedBlueprint(Model):
    """A blueprint as the Platform Manager offers it (what else it says is not ours to keep)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    name: str = ""
    description: str = ""
    platform_type: str = ""


class Blueprint(BaseModel):
    """The aggregate: changed only by `edit`."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=1000)
    platform_type: str
    deprecated: bool = False

    @classmethod
    def register(cls, offered: OfferedBlueprint) -> "Blueprint":
        """R2: blueprints make MiVoice Business platform groups only; the PM's name and description are copied."""
        if offered.platform_type != MIVB:
            message = (
                f"blueprint {offered.id} builds {offered.platform_type or 'an unknown platform type'} platforms;"
                f" only {MIVB} blueprints can be registered"
            )
            raise Refusal.of(RefusalKind.INVALID, "blueprint_id", "R2", message)
        return cls(
            id=offered.id,
            name=offered.name or offered.id,
            description=offered.description,
            platform_type=offered.platform_type,
        )

    def edit(self, patch: Mapping[str, Any]) -> list[Message]:
        """Only name, description and deprecated change; any other field is named and nothing changes."""
        frozen = [
            Violation(field=key, rule="blueprint-edit", message=f"{key} cannot be edited; only {', '.join(EDITABLE)}")
            for key in patch
            if key not in EDITABLE
        ]
        if frozen:
            raise Refusal(RefusalKind.INVALID, frozen)
        try:
            edited = Blueprint.model_validate({**self.model_dump(), **patch})
        except ValidationError as error:
            invalid = [
                Violation(
                    field=".".join(str(p) for p in item["loc"]), rule=f"schema:{item['type']}", message=item["msg"]
                )
                for item in error.errors()
            ]
            raise Refusal(RefusalKind.INVALID, invalid) from error
        self.name, self.description, self.deprecated = edited.name, edited.description, edited.deprecated
        return []


def check_may_make_group(blueprint_id: str, blueprint: Blueprint | None) -> None:
    """R2: a group is made from a registered, current MiVoice Business blueprint."""
    if blueprint is None:
        message = f"blueprint {blueprint_id} is not registered; register it first (POST /api/v1/blueprints)"
        raise Refusal.of(RefusalKind.INVALID, "blueprint_id", "R2", message)
    if blueprint.deprecated:
        message = f"blueprint {blueprint_id} is deprecated: it makes no new platform group"
        raise Refusal.of(RefusalKind.CONFLICT, "blueprint_id", "R2", message)
    if blueprint.platform_type != MIVB:
        message = f"blueprint {blueprint_id} does not make {MIVB} platform groups"
        raise Refusal.of(RefusalKind.INVALID, "blueprint_id", "R2", message)
