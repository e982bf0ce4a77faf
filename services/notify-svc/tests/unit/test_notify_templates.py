import pytest

from notify_svc.domain.templates import (
    BODY_PLACEHOLDERS,
    DEFAULT_TEMPLATE,
    TemplateError,
    placeholders,
    render,
    validate_template,
)

pytestmark = pytest.mark.unit

BODY = "Portal {portal_url}, WebID {webid}, link {set_password_link}"


def test_default_template_is_valid() -> None:
    assert validate_template(DEFAULT_TEMPLATE.subject, DEFAULT_TEMPLATE.body) == []


def test_unknown_placeholder_in_body_is_named_with_its_field() -> None:
    [violation] = validate_template("Welcome", BODY + " {password}")
    assert violation.field == "body"
    assert violation.rule == "placeholder"
    assert "{password}" in violation.message
    assert "set_password_link" in violation.message  # tells the allowed set


def test_unknown_placeholder_in_subject_is_named_with_its_field() -> None:
    [violation] = validate_template("Hi {nom}", BODY)
    assert (violation.field, violation.rule) == ("subject", "placeholder")
    assert "{nom}" in violation.message


def test_set_password_link_stays_out_of_the_subject() -> None:
    [violation] = validate_template("Your link {set_password_link}", BODY)
    assert violation.field == "subject"


def test_subject_must_be_one_line() -> None:
    assert [v.rule for v in validate_template("Hello\nBcc: x@y", BODY)] == ["single-line"]


@pytest.mark.parametrize("missing", ["set_password_link", "portal_url", "webid"])
def test_r26_body_must_carry_link_portal_url_and_webid(missing: str) -> None:
    body = BODY.replace("{" + missing + "}", "")
    [violation] = validate_template("Welcome", body)
    assert (violation.field, violation.rule) == ("body", "R26")
    assert missing in violation.message


@pytest.mark.parametrize("text", ["{webid", "webid}", "{}"])
def test_malformed_or_empty_placeholders_are_refused(text: str) -> None:
    violations = validate_template("Welcome", BODY + text)
    assert [v.field for v in violations] == ["body"]


@pytest.mark.parametrize("text", ["{customer_name.__class__}", "{webid!r}", "{webid:>40}", "{portal_url[0]}"])
def test_attribute_access_conversions_and_specs_are_refused(text: str) -> None:
    violations = validate_template("Welcome", BODY + text)
    assert [v.field for v in violations] == ["body"]


def test_render_substitutes_every_placeholder_and_keeps_escaped_braces() -> None:
    values = {name: f"<{name}>" for name in BODY_PLACEHOLDERS}
    assert render("{{literal}} {webid} at {portal_url}", values) == "{literal} <webid> at <portal_url>"


def test_render_refuses_a_placeholder_it_has_no_value_for() -> None:
    with pytest.raises(TemplateError):
        render("{mystery}", {"webid": "x"})


def test_placeholders_lists_names_in_order() -> None:
    assert placeholders("{b} and {a} and {b}") == ["b", "a", "b"]


def test_r26_no_template_can_carry_a_password() -> None:
    assert {name for name in BODY_PLACEHOLDERS if "password" in name} == {"set_password_link"}
