"""The rules customer-svc checks at intake, each returning the violations it finds (field + rule)."""

import itertools
import re
from collections.abc import Collection, Iterator, Mapping

from customer_svc.domain.catalogue import Bundle
from mmp_contracts import Violation
from mmp_contracts.customer_spec import CpnSubstitution, CustomerSpec, DidRange, Emergency

WEBID = re.compile(r"^[a-z][a-z0-9-]{2,31}$")
DID_DIGITS = re.compile(r"^[0-9]{3,15}$")
MAX_NUMBERS_PER_RANGE = 100_000
"""A range is provisioned number by number on the MiVB; a larger block is several ranges."""
CPN = re.compile(r"^(?P<digits>[0-9]*)(?P<overlay>x{0,7})$")
CESID = re.compile(r"^[0-9]{1,12}$")
MAX_CPN_ENTRIES = 100


def check_webid(webid: str) -> Iterator[Violation]:
    """R6: 3-32 characters, lowercase letters, digits and hyphens, starting with a letter."""
    if not WEBID.match(webid):
        yield Violation(
            field="details.webid",
            rule="R6",
            message="3-32 lowercase letters, digits or hyphens, starting with a letter",
        )


def check_platform_group(spec: CustomerSpec, platform_groups: Collection[str]) -> Iterator[Violation]:
    """R1: a customer is created only on a registered platform group."""
    if spec.platform.platform_group_id not in platform_groups:
        yield Violation(
            field="platform.platform_group_id",
            rule="R1",
            message=f"platform group {spec.platform.platform_group_id!r} is not registered",
        )


def check_bundles(spec: CustomerSpec, catalogue: Mapping[str, Bundle]) -> Iterator[Violation]:
    """R1: only bundles that exist. R7: extension length 3-7, and 7 never with a multi-phone bundle."""
    length = spec.platform.extension_length
    if not 3 <= length <= 7:
        yield Violation(field="platform.extension_length", rule="R7", message="extension length is 3 to 7 digits")
    for index, allocation in enumerate(spec.service_bundles):
        bundle = catalogue.get(allocation.bundle_id)
        field = f"service_bundles[{index}].bundle_id"
        if bundle is None:
            yield Violation(field=field, rule="R1", message=f"bundle {allocation.bundle_id!r} does not exist")
        elif length == 7 and bundle.phones_per_user >= 2:
            yield Violation(
                field=field,
                rule="R7",
                message=f"bundle {bundle.bundle_id!r} has {bundle.phones_per_user} phones: with extension "
                "length 7 its users could never be created",
            )


def check_username(spec: CustomerSpec) -> Iterator[Violation]:
    """R10: usernames of at least 4 characters."""
    if len(spec.first_user.username) < 4:
        yield Violation(field="first_user.username", rule="R10", message="a username has at least 4 characters")


def check_did_ranges(ranges: list[DidRange]) -> Iterator[Violation]:
    """R12: digits only, 3-15 digits, start and end of equal length, start <= end, no overlap."""
    valid: list[tuple[int, int, int]] = []
    for index, did_range in enumerate(ranges):
        field = f"did_ranges[{index}]"
        if not (DID_DIGITS.match(did_range.start) and DID_DIGITS.match(did_range.end)):
            yield Violation(field=field, rule="R12", message="start and end are 3-15 digits, no '+'")
        elif len(did_range.start) != len(did_range.end):
            yield Violation(field=field, rule="R12", message="start and end have the same length")
        elif int(did_range.start) > int(did_range.end):
            yield Violation(field=field, rule="R12", message="start is not after end")
        elif int(did_range.end) - int(did_range.start) >= MAX_NUMBERS_PER_RANGE:
            yield Violation(field=field, rule="R12", message=f"at most {MAX_NUMBERS_PER_RANGE:,} numbers in a range")
        else:
            valid.append((int(did_range.start), int(did_range.end), index))
    valid.sort()
    for (_, end, _), (start, _, index) in itertools.pairwise(valid):
        if start <= end:
            yield Violation(field=f"did_ranges[{index}]", rule="R12", message="overlaps another range")


def check_did_range(did_range: DidRange, field: str = "did_range") -> list[Violation]:
    """R12 on one range asked for on its own (added to or removed from a customer)."""
    return [v.model_copy(update={"field": field}) for v in check_did_ranges([did_range])]


def check_cpn_substitutions(entries: list[CpnSubstitution]) -> Iterator[Violation]:
    """R13: at most 100 entries; DID list ascending, same length, 3-7 digits; CPN <= 14 with an x overlay."""
    if len(entries) > MAX_CPN_ENTRIES:
        yield Violation(field="cpn_substitutions", rule="R13", message="at most 100 CPN substitution entries")
    for index, entry in enumerate(entries):
        digits = _did_list_digits(entry.dids)
        if digits is None:
            yield Violation(
                field=f"cpn_substitutions[{index}].dids",
                rule="R13",
                message="at most 60 characters of ascending numbers or ranges of 3-7 digits, one length",
            )
            continue
        match = CPN.match(entry.cpn)
        if len(entry.cpn) > 14 or match is None or len(match["overlay"]) > digits:
            yield Violation(
                field=f"cpn_substitutions[{index}].cpn",
                rule="R13",
                message="at most 14 characters: digits, then up to 7 'x', never more 'x' than the DID has digits",
            )


def _did_list_digits(dids: str) -> int | None:
    """The common digit count of a list like `4000-4400,4500`, or None when it breaks R13."""
    if len(dids) > 60 or not re.fullmatch(r"[0-9]{3,7}(-[0-9]{3,7})?(,[0-9]{3,7}(-[0-9]{3,7})?)*", dids):
        return None
    numbers = [number for item in dids.split(",") for number in item.split("-")]
    ascending = all(int(a) < int(b) for a, b in itertools.pairwise(numbers))
    same_length = len({len(number) for number in numbers}) == 1
    return len(numbers[0]) if ascending and same_length else None


def check_emergency(emergency: Emergency) -> Iterator[Violation]:
    """R14: CESID digits only, at most 12 digits, never `*`, `#` or `P`."""
    for index, location in enumerate(emergency.locations):
        if not CESID.match(location.cesid):
            yield Violation(
                field=f"emergency.locations[{index}].cesid",
                rule="R14",
                message="a CESID is 1-12 digits, never '*', '#' or 'P'",
            )


def validate_new_customer(
    spec: CustomerSpec, catalogue: Mapping[str, Bundle], platform_groups: Collection[str]
) -> list[Violation]:
    return [
        *check_webid(spec.details.webid),
        *check_platform_group(spec, platform_groups),
        *check_bundles(spec, catalogue),
        *check_username(spec),
        *check_did_ranges(spec.did_ranges),
        *check_cpn_substitutions(spec.cpn_substitutions),
        *check_emergency(spec.emergency),
    ]


def webid_taken(webid: str) -> Violation:
    """R6: a valid WebID another live customer holds."""
    return Violation(field="details.webid", rule="R6", message=f"WebID {webid!r} is taken", conflict=True)


def numbers_taken(field: str, did_range: DidRange, platform_group_id: str) -> Violation:
    """R12 across customers: numbers another customer of the platform group holds."""
    message = f"{did_range.text()} overlaps a range of another customer on {platform_group_id}"
    return Violation(field=field, rule="R12", message=message, conflict=True)
