import pytest

from mmp_contracts.customer_spec import CustomerSpec
from platform_svc.management.domain.key_templates import (
    STANDARD_6930,
    Key,
    KeyTemplate,
    KeyTemplateContent,
    check_content,
)
from platform_svc.management.domain.refusals import Refusal, RefusalKind
from platform_svc.provisioning.domain.key_templates import check_r15_templates_exist, customer_copies, wanted_ids
from platform_svc.provisioning.domain.tenant import MivbTenant

pytestmark = pytest.mark.unit

RECEPTION = KeyTemplate(
    id="kt-reception", name="Reception", phone_model="6940", keys=[Key(position=1, function="line", label="Main")]
)
CATALOGUE = {template.id: template for template in (STANDARD_6930, RECEPTION)}


def spec(key_templates: list[str], key_template_id: str | None = None) -> CustomerSpec:
    return CustomerSpec.model_validate(
        {
            "details": {"name": "Harbour Dental", "webid": "harbour-dental", "contact_email": "it@hd.example"},
            "platform": {
                "platform_group_id": "pg-1",
                "extension_length": 4,
                "dialing_privileges": "national",
                "key_template_id": key_template_id,
            },
            "key_templates": key_templates,
            "first_user": {"first_name": "A", "last_name": "H", "email": "a@hd.example", "username": "ah"},
        }
    )


def test_r15_unknown_key_templates_are_refused_naming_each_field() -> None:
    wanted = spec(["kt-standard-6930", "kt-gone"], key_template_id="kt-missing")

    violations = check_r15_templates_exist(wanted, CATALOGUE)

    assert [(v.field, v.rule, v.message) for v in violations] == [
        ("key_templates[1]", "R15", "key template 'kt-gone' does not exist"),
        ("platform.key_template_id", "R15", "key template 'kt-missing' does not exist"),
    ]
    assert check_r15_templates_exist(spec(["kt-reception"], "kt-standard-6930"), CATALOGUE) == []
    assert check_r15_templates_exist(spec([]), {}) == []


def test_r15_the_customer_gets_whole_copies_of_the_templates_it_names() -> None:
    wanted = spec(["kt-reception", "kt-standard-6930"], key_template_id="kt-standard-6930")

    copies = customer_copies(wanted, CATALOGUE)
    body = MivbTenant.of(wanted, apply_time_zone=False, key_templates=copies).model_dump()

    assert wanted_ids(wanted) == ["kt-reception", "kt-standard-6930"]  # each once
    assert body["key_templates"] == [RECEPTION.model_dump(), STANDARD_6930.model_dump()]
    assert body["key_templates"][0] == {
        "id": "kt-reception",
        "name": "Reception",
        "phone_model": "6940",
        "keys": [{"position": 1, "function": "line", "label": "Main"}],
    }
    # A later edit of the SP's template is a new object: the copy already taken keeps the old keys.
    edited = {**CATALOGUE, "kt-reception": RECEPTION.model_copy(update={"keys": []})}
    assert customer_copies(wanted, edited)[0].keys == []
    assert copies[0].keys == RECEPTION.keys


def test_key_template_needs_a_name_and_distinct_key_positions() -> None:
    keys = [Key(position=1, function="line"), Key(position=2, function="dnd"), Key(position=1, function="park")]

    violations = check_content(KeyTemplateContent(name=" ", phone_model="6930", keys=keys))

    assert [(v.field, v.rule) for v in violations] == [("name", "key-template"), ("keys[2].position", "key-template")]
    assert violations[1].message == "position 1 is used already by keys[0]"
    assert check_content(STANDARD_6930) == []


def test_a_template_is_made_and_replaced_only_with_valid_content() -> None:
    template = KeyTemplate.of("kt-reception", RECEPTION)
    nameless = KeyTemplateContent(name=" ", phone_model="6940")

    with pytest.raises(Refusal) as refused:
        template.replace(nameless)
    assert template.replace(RECEPTION.model_copy(update={"name": "Front desk"})) == []

    assert (refused.value.kind, [v.field for v in refused.value.violations]) == (RefusalKind.INVALID, ["name"])
    assert (template.id, template.name, template.keys) == ("kt-reception", "Front desk", RECEPTION.keys)
    with pytest.raises(Refusal):
        KeyTemplate.of("kt-bad", nameless)
