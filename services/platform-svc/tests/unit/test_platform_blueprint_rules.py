import pytest

from platform_svc.management.domain.blueprints import Blueprint, OfferedBlueprint, check_may_make_group
from platform_svc.management.domain.refusals import Refusal, RefusalKind

pytestmark = pytest.mark.unit

OFFERED = OfferedBlueprint.model_validate(
    {"id": "bp-1", "name": "MiVB standard", "platform_type": "MiVoice Business", "extra": "ignored"}
)
BLUEPRINT = Blueprint.register(OFFERED)


def edited(blueprint: Blueprint, patch: dict[str, object]) -> Blueprint:
    copy = blueprint.model_copy(deep=True)
    assert copy.edit(patch) == []  # no event: blueprints are this service's own business
    return copy


def test_r2_only_mivoice_business_blueprints_are_registered() -> None:
    mx_one = OfferedBlueprint(id="bp-2", name="MX-ONE", platform_type="MX-ONE")

    with pytest.raises(Refusal) as refused:
        Blueprint.register(mx_one)

    refusal = refused.value
    assert (refusal.kind, refusal.violations[0].rule) == (RefusalKind.INVALID, "R2")
    assert refusal.violations[0].message == (
        "blueprint bp-2 builds MX-ONE platforms; only MiVoice Business blueprints can be registered"
    )
    assert Blueprint(id="bp-1", name="MiVB standard", platform_type="MiVoice Business") == BLUEPRINT


def test_only_name_description_and_deprecated_can_be_edited() -> None:
    result = edited(BLUEPRINT, {"name": "Standard", "description": "one site", "deprecated": True})
    with pytest.raises(Refusal) as frozen:
        edited(BLUEPRINT, {"name": "X", "platform_type": "MX-ONE", "id": "bp-9"})
    with pytest.raises(Refusal) as invalid:
        edited(BLUEPRINT, {"name": "", "deprecated": "sometimes"})

    assert result == BLUEPRINT.model_copy(update={"name": "Standard", "description": "one site", "deprecated": True})
    assert [(v.field, v.rule) for v in frozen.value.violations] == [
        ("platform_type", "blueprint-edit"),
        ("id", "blueprint-edit"),
    ]
    assert sorted(v.field for v in invalid.value.violations) == ["deprecated", "name"]
    untouched = BLUEPRINT.model_copy(deep=True)
    with pytest.raises(Refusal):
        untouched.edit({"name": "X", "platform_type": "MX-ONE"})
    assert untouched == BLUEPRINT  # a refused edit changes nothing


def test_r2_a_deprecated_blueprint_makes_no_new_group() -> None:
    deprecated = BLUEPRINT.model_copy(update={"deprecated": True})

    with pytest.raises(Refusal) as refused:
        check_may_make_group("bp-1", deprecated)
    with pytest.raises(Refusal) as unknown:
        check_may_make_group("bp-9", None)

    assert (refused.value.kind, refused.value.violations[0].message) == (
        RefusalKind.CONFLICT,
        "blueprint bp-1 is deprecated: it makes no new platform group",
    )
    assert (unknown.value.kind, unknown.value.violations[0].field) == (RefusalKind.INVALID, "blueprint_id")
    check_may_make_group("bp-1", BLUEPRINT)
    check_may_make_group("bp-1", edited(deprecated, {"deprecated": False}))
