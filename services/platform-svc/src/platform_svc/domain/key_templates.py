"""The SP's key templates (phone-key layouts) and the customer's copies of them (R15).

A customer gets a snapshot of each template it names, taken when it is assigned: the copy goes to its
MiVB tenant and to its assignment, so a later edit of the SP's template reaches new customers only.
"""

from collections.abc import Mapping

from pydantic import Field

from mmp_contracts import Violation
from mmp_contracts.customer_spec import CustomerSpec
from platform_svc.domain.groups import Model

TEMPLATE_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
EDIT_RULE = "key-template"


class Key(Model):
    position: int = Field(ge=1, le=200)
    function: str = Field(min_length=1, max_length=64)
    label: str = Field(default="", max_length=64)


class KeyTemplateContent(Model):
    """What the SP writes (PUT): the template without its id."""

    name: str = Field(max_length=120)
    phone_model: str = Field(max_length=64)
    keys: list[Key] = Field(default=[], max_length=200)


class KeyTemplate(KeyTemplateContent):
    id: str

    @classmethod
    def of(cls, template_id: str, content: KeyTemplateContent) -> "KeyTemplate":
        return cls(id=template_id, **content.model_dump())


STANDARD_6930 = KeyTemplate(
    id="kt-standard-6930",
    name="Standard 6930",
    phone_model="6930",
    keys=[
        Key(position=1, function="line", label="Line 1"),
        Key(position=2, function="line", label="Line 2"),
        Key(position=3, function="voicemail", label="Voicemail"),
        Key(position=4, function="do_not_disturb", label="DND"),
        Key(position=5, function="call_forward", label="Forward"),
        Key(position=6, function="speed_dial", label="Reception"),
    ],
)
"""The sandbox's template (DESIGN.md): seeded at start when absent, never overwritten by the seeding."""


def check_content(content: KeyTemplateContent) -> list[Violation]:
    """A name and a phone model are needed, and no two keys may share a position."""
    violations = [
        Violation(field=field, rule=EDIT_RULE, message=f"{field} must not be empty")
        for field, value in (("name", content.name), ("phone_model", content.phone_model))
        if not value.strip()
    ]
    first_at: dict[int, int] = {}
    for index, key in enumerate(content.keys):
        if key.position in first_at:
            message = f"position {key.position} is used already by keys[{first_at[key.position]}]"
            violations.append(Violation(field=f"keys[{index}].position", rule=EDIT_RULE, message=message))
        else:
            first_at[key.position] = index
    return violations


def wanted_ids(spec: CustomerSpec) -> list[str]:
    """The templates a customer names, each once: its list first, then the platform section's one."""
    named = [*spec.key_templates, *([spec.platform.key_template_id] if spec.platform.key_template_id else [])]
    return list(dict.fromkeys(named))


def check_r15_templates_exist(spec: CustomerSpec, found: Mapping[str, KeyTemplate]) -> list[Violation]:
    """R15: only an existing SP template can be copied to a customer; each unknown id is named."""
    named = [(f"key_templates[{i}]", template_id) for i, template_id in enumerate(spec.key_templates)]
    if spec.platform.key_template_id:
        named.append(("platform.key_template_id", spec.platform.key_template_id))
    return [
        Violation(field=field, rule="R15", message=f"key template {template_id!r} does not exist")
        for field, template_id in named
        if template_id not in found
    ]


def customer_copies(spec: CustomerSpec, found: Mapping[str, KeyTemplate]) -> tuple[KeyTemplate, ...]:
    """R15: the customer's own copies, as the templates read now (check R15 first: all must be found)."""
    return tuple(found[template_id] for template_id in wanted_ids(spec))
