"""The SP's service bundles, as customer-svc sells them."""

from dataclasses import dataclass

from customer_svc.domain.refusal import Refused
from mmp_contracts import Violation

MAX_PHONE_TYPES_PER_BUNDLE = 3  # R8
MAX_PHONES_PER_USER = 4  # R8

SERVICE_TYPES = (
    "Basic IPT",
    "Standard IPT",
    "Entry UCC",
    "Standard UCC",
    "Premium UCC",
    "Contact Center Agent",
    "Single Line Device",
    "Mobile",
)


@dataclass(frozen=True)
class Bundle:
    bundle_id: str
    name: str
    service_type: str
    phone_types: tuple[str, ...] = ()
    phones_per_user: int = 1
    licence_tier: str = "standard"


def check_bundle(bundle: Bundle) -> list[Violation]:
    """R8: at most 3 phone types in a bundle and at most 4 phones per user."""
    violations = []
    if bundle.service_type not in SERVICE_TYPES:
        violations.append(Violation(field="service_type", rule="catalogue", message=f"one of {SERVICE_TYPES}"))
    if len(bundle.phone_types) > MAX_PHONE_TYPES_PER_BUNDLE:
        violations.append(Violation(field="phone_types", rule="R8", message="a bundle carries at most 3 phone types"))
    if not 0 <= bundle.phones_per_user <= MAX_PHONES_PER_USER:
        violations.append(Violation(field="phones_per_user", rule="R8", message="a user has between 0 and 4 phones"))
    return violations


def accepted(bundle: Bundle) -> Bundle:
    """A bundle the SP may put in its catalogue, or Refused naming each field it gets wrong."""
    violations = check_bundle(bundle)
    if violations:
        raise Refused.breaking(violations)
    return bundle
