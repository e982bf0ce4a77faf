"""R15: a customer gets a snapshot of each key template it names, taken when it is assigned (or when an
edit first names it): the copy goes to its MiVB tenant and its assignment, so a later edit of the SP's
template reaches new customers only.
"""

from collections.abc import Mapping

from mmp_contracts import Violation
from mmp_contracts.customer_spec import CustomerSpec
from platform_svc.management.domain.key_templates import KeyTemplate


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


def customer_copies(spec: CustomerSpec, found: Mapping[str, KeyTemplate]) -> list[KeyTemplate]:
    """R15: the customer's own copies, as the templates read now (check R15 first: all must be found)."""
    return [found[template_id] for template_id in wanted_ids(spec)]


def templates_to_copy(after: CustomerSpec, held: Mapping[str, KeyTemplate]) -> list[str]:
    """R15: only templates the customer has no copy of yet are read from the SP's catalogue; a copy it
    has stays as it is, whatever the SP changed in the template since."""
    return [template_id for template_id in wanted_ids(after) if template_id not in held]
