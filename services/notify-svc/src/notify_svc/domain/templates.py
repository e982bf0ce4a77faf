"""Mail templates: `{placeholder}` text from a fixed set of names, validated before it is stored.

Rendering walks the parsed template instead of calling `str.format`, so a stored template can
never reach attributes or indexes of the values (`{name.__class__}` is just an unknown name).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from string import Formatter

from mmp_contracts.base import Violation

DEFAULT_TEMPLATE_ID = "welcome-default"
BILLING_CHANGE_TEMPLATE_ID = "billing-change-default"

SUBJECT_PLACEHOLDERS = frozenset({"customer_name", "webid", "portal_url", "first_name", "last_name", "username"})
BODY_PLACEHOLDERS = SUBJECT_PLACEHOLDERS | {"set_password_link", "link_expires_at"}
"""The link stays out of subjects: mail systems log and index subject lines."""

REQUIRED_IN_BODY = ("set_password_link", "portal_url", "webid")
"""R26: the mail carries the portal URL, the WebID and the one-time link (never a password)."""


class TemplateError(ValueError):
    pass


@dataclass(frozen=True)
class TemplateRules:
    """What one kind of mail may and must say: the placeholders allowed in each field, the ones required."""

    subject: frozenset[str]
    body: frozenset[str]
    required_in_body: tuple[str, ...]
    rule: str


WELCOME_RULES = TemplateRules(SUBJECT_PLACEHOLDERS, BODY_PLACEHOLDERS, REQUIRED_IN_BODY, "R26")
BILLING_CHANGE_RULES = TemplateRules(
    subject=frozenset({"customer_name", "webid"}),
    body=frozenset({"customer_name", "webid", "changes"}),
    required_in_body=("changes",),  # R27: the mail exists to tell the changed quantities
    rule="R27",
)


def rules_for(template_id: str) -> TemplateRules:
    """Billing-change templates are the ids starting `billing-change`; every other id is a welcome template."""
    return BILLING_CHANGE_RULES if template_id.startswith("billing-change") else WELCOME_RULES


@dataclass(frozen=True)
class MailTemplate:
    id: str
    subject: str
    body: str


DEFAULT_TEMPLATE = MailTemplate(
    id=DEFAULT_TEMPLATE_ID,
    subject="Welcome to your telephony service, {customer_name}",
    body=(
        "Hello {first_name} {last_name},\n\n"
        "The telephony service of {customer_name} is ready.\n\n"
        "Customer portal: {portal_url}\n"
        "WebID: {webid}\n"
        "Your username: {username}\n\n"
        "Choose your password with this one-time link (valid until {link_expires_at}):\n"
        "{set_password_link}\n\n"
        "Your phones and apps will send their own set-up messages separately.\n"
    ),
)


def placeholders(text: str) -> list[str]:
    """The placeholder names of `text`, in order. Raises TemplateError on malformed braces."""
    try:
        parsed = list(Formatter().parse(text))
    except ValueError as error:
        raise TemplateError(f"malformed braces: {error} (write {{{{ and }}}} for literal braces)") from error
    names = []
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec or conversion:
            raise TemplateError(f"placeholder {{{name}}} may not carry a format spec or conversion")
        names.append(name)
    return names


def validate_template(subject: str, body: str, rules: TemplateRules = WELCOME_RULES) -> list[Violation]:
    """Every rule a template breaks, naming the field: unknown placeholders, what its mail requires (R26, R27)."""
    violations = _check("subject", subject, rules.subject)
    if "\n" in subject or "\r" in subject:
        violations.append(Violation(field="subject", rule="single-line", message="the subject must be one line"))
    violations += _check("body", body, rules.body)
    if not any(v.field == "body" for v in violations):
        used = set(placeholders(body))
        for name in rules.required_in_body:
            if name not in used:
                message = f"the body must contain {{{name}}}"
                violations.append(Violation(field="body", rule=rules.rule, message=message))
    return violations


def _check(field: str, text: str, allowed: frozenset[str]) -> list[Violation]:
    try:
        names = placeholders(text)
    except TemplateError as error:
        return [Violation(field=field, rule="template-syntax", message=str(error))]
    unknown = sorted({n for n in names if n not in allowed})
    if not unknown:
        return []
    shown = ", ".join(f"{{{n}}}" for n in unknown)
    message = f"unknown placeholder {shown}; allowed: {', '.join(sorted(allowed))}"
    return [Violation(field=field, rule="placeholder", message=message)]


def render(text: str, values: Mapping[str, str]) -> str:
    """Substitute the placeholders of a validated template. Raises TemplateError on an unknown one."""
    parts = []
    for literal, name, _, _ in Formatter().parse(text):
        parts.append(literal)
        if name is not None:
            if name not in values:
                raise TemplateError(f"unknown placeholder {{{name}}}")
            parts.append(values[name])
    return "".join(parts)
