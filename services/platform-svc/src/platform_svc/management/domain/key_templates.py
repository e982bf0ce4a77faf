"""The SP's key templates (phone-key layouts). Customers get whole copies of them at assignment (R15),
never references, so replacing a template here changes what the next customers get only.
"""

from pydantic import ConfigDict, Field

from mmp_contracts import Message, Violation
from platform_svc.management.domain.platforms import Model
from platform_svc.management.domain.refusals import Refusal, RefusalKind

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
    """The aggregate: replaced whole by the SP (`replace`)."""

    model_config = ConfigDict(frozen=False)

    id: str

    @classmethod
    def of(cls, template_id: str, content: KeyTemplateContent) -> "KeyTemplate":
        if violations := check_content(content):
            raise Refusal(RefusalKind.INVALID, violations)
        return cls(id=template_id, name=content.name, phone_model=content.phone_model, keys=list(content.keys))

    def replace(self, content: KeyTemplateContent) -> list[Message]:
        replacement = KeyTemplate.of(self.id, content)
        self.name, self.phone_model, self.keys = replacement.name, replacement.phone_model, replacement.keys
        return []


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
