import pytest

from platform_svc.domain.blueprints import (
    Blueprint,
    OfferedBlueprint,
    check_may_make_group,
    check_platform_type,
    edited,
    registered,
)
from platform_svc.domain.refusals import RefusalKind

pytestmark = pytest.mark.unit

OFFERED = OfferedBlueprint.model_validate(
    {"id": "bp-1", "name": "MiVB standard", "platform_type": "MiVoice Business", "extra": "ignored"}
)
BLUEPRINT = registered(OFFERED)


def test_r2_only_mivoice_business_blueprints_are_registered() -> None:
    mx_one = OfferedBlueprint(id="bp-2", name="MX-ONE", platform_type="MX-ONE")

    refusal = check_platform_type(mx_one)

    assert refusal is not None
    assert (refusal.kind, refusal.violations[0].rule) == (RefusalKind.INVALID, "R2")
    assert refusal.violations[0].message == (
        "blueprint bp-2 builds MX-ONE platforms; only MiVoice Business blueprints can be registered"
    )
    assert check_platform_type(OFFERED) is None
    assert Blueprint(id="bp-1", name="MiVB standard", platform_type="MiVoice Business") == BLUEPRINT


def test_only_name_description_and_deprecated_can_be_edited() -> None:
    result = edited(BLUEPRINT, {"name": "Standard", "description": "one site", "deprecated": True})
    frozen = edited(BLUEPRINT, {"name": "X", "platform_type": "MX-ONE", "id": "bp-9"})
    invalid = edited(BLUEPRINT, {"name": "", "deprecated": "sometimes"})

    assert result == BLUEPRINT.model_copy(update={"name": "Standard", "description": "one site", "deprecated": True})
    assert isinstance(frozen, list)
    assert [(v.field, v.rule) for v in frozen] == [("platform_type", "blueprint-edit"), ("id", "blueprint-edit")]
    assert isinstance(invalid, list)
    assert sorted(v.field for v in invalid) == ["deprecated", "name"]


def test_r2_a_deprecated_blueprint_makes_no_new_group() -> None:
    deprecated = BLUEPRINT.model_copy(update={"deprecated": True})

    refusal = check_may_make_group("bp-1", deprecated)
    unknown = check_may_make_group("bp-9", None)

    assert refusal is not None
    assert unknown is not None
    assert (refusal.kind, refusal.violations[0].message) == (
        RefusalKind.CONFLICT,
        "blueprint bp-1 is deprecated: it makes no new platform group",
    )
    assert (unknown.kind, unknown.violations[0].field) == (RefusalKind.INVALID, "blueprint_id")
    assert check_may_make_group("bp-1", BLUEPRINT) is None
    undeprecated = edited(deprecated, {"deprecated": False})
    assert isinstance(undeprecated, Blueprint)
    assert check_may_make_group("bp-1", undeprecated) is None
