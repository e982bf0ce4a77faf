"""One test per rule customer-svc enforces at intake, named after the rule."""

from typing import Any

import pytest

from customer_svc.domain.catalogue import Bundle, check_bundle
from customer_svc.domain.rules import validate_new_customer
from mmp_contracts import examples
from mmp_contracts.commands import CreateCustomer
from mmp_contracts.customer_spec import CustomerSpec

pytestmark = pytest.mark.unit

CATALOGUE = {
    "standard-ipt": Bundle("standard-ipt", "Standard IPT", "Standard IPT", ("6920", "6930"), 1),
    "entry-ucc": Bundle("entry-ucc", "Entry UCC", "Entry UCC", ("6930",), 1),
    "premium-ucc": Bundle("premium-ucc", "Premium UCC", "Premium UCC", ("6940", "6970"), 2),
}
GROUPS = {"pg-ottawa-1"}


def spec(**changes: Any) -> CustomerSpec:
    data = examples.create_customer()["data"]
    for path, value in changes.items():
        target = data
        *parents, leaf = path.split("__")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(leaf) if leaf.isdigit() else leaf] = value
    return CreateCustomer.model_validate(data).spec()


def broken(customer: CustomerSpec) -> set[tuple[str, str]]:
    return {(v.field, v.rule) for v in validate_new_customer(customer, CATALOGUE, GROUPS)}


def test_the_canonical_example_breaks_no_rule() -> None:
    assert broken(spec()) == set()


def test_r1_the_platform_group_must_be_registered() -> None:
    assert broken(spec(platform__platform_group_id="pg-nowhere")) == {("platform.platform_group_id", "R1")}


def test_r1_bundles_must_exist() -> None:
    assert broken(spec(service_bundles__0__bundle_id="gold-plan")) == {("service_bundles[0].bundle_id", "R1")}


@pytest.mark.parametrize("webid", ["ab", "1harbour", "Harbour", "harbour_dental", "h" * 33])
def test_r6_webid_format_is_refused(webid: str) -> None:
    assert broken(spec(details__webid=webid)) == {("details.webid", "R6")}


@pytest.mark.parametrize("webid", ["abc", "harbour-dental-2", "h" * 32])
def test_r6_webid_format_is_accepted(webid: str) -> None:
    assert broken(spec(details__webid=webid)) == set()


@pytest.mark.parametrize("length", [2, 8])
def test_r7_extension_length_is_3_to_7(length: int) -> None:
    assert ("platform.extension_length", "R7") in broken(spec(platform__extension_length=length))


def test_r7_extension_length_7_refuses_a_bundle_of_two_phones() -> None:
    customer = spec(platform__extension_length=7, service_bundles__0__bundle_id="premium-ucc")
    assert broken(customer) == {("service_bundles[0].bundle_id", "R7")}
    assert broken(spec(platform__extension_length=7)) == set()


def test_r8_a_bundle_carries_at_most_three_phone_types_and_four_phones() -> None:
    assert check_bundle(Bundle("b", "B", "Premium UCC", ("6920", "6930", "6940"), 4)) == []
    too_many = check_bundle(Bundle("b", "B", "Premium UCC", ("6920", "6930", "6940", "6970"), 5))
    assert {(v.field, v.rule) for v in too_many} == {("phone_types", "R8"), ("phones_per_user", "R8")}


def test_r10_usernames_have_at_least_four_characters() -> None:
    assert broken(spec(first_user__username="amy")) == {("first_user.username", "R10")}
    assert broken(spec(first_user__username="amya")) == set()


@pytest.mark.parametrize(
    "did_range",
    [
        {"start": "+6135924000", "end": "6135924019"},
        {"start": "61", "end": "69"},
        {"start": "613592400", "end": "6135924019"},
        {"start": "6135924019", "end": "6135924000"},
        {"start": "1234567890123456", "end": "1234567890123457"},
        {"start": "\u0666\u0661\u0663\u0665\u0669\u0662\u0664\u0660\u0660\u0660", "end": "6135924019"},
        {"start": "6130000000", "end": "6130100000"},
    ],
)
def test_r12_did_range_shape(did_range: dict[str, str]) -> None:
    assert broken(spec(did_ranges=[did_range])) == {("did_ranges[0]", "R12")}


def test_r12_ranges_of_one_customer_do_not_overlap() -> None:
    ranges = [{"start": "6135924000", "end": "6135924019"}, {"start": "6135924019", "end": "6135924030"}]
    assert broken(spec(did_ranges=ranges)) == {("did_ranges[1]", "R12")}


@pytest.mark.parametrize(
    ("dids", "cpn", "field"),
    [
        ("4000-4400,4500", "613592xxxx", None),
        ("4500,4000-4400", "613592xxxx", "dids"),
        ("40-41", "613592xx", "dids"),
        ("4000-40000", "6135", "dids"),
        ("4000-4019", "613592xxxxx", "cpn"),
        ("4000-4019", "123456789012345", "cpn"),
        ("4000-4019", "6135x92", "cpn"),
        (",".join(str(n) for n in range(1000, 1013)), "6135", "dids"),
    ],
)
def test_r13_cpn_substitution(dids: str, cpn: str, field: str | None) -> None:
    expected = {(f"cpn_substitutions[0].{field}", "R13")} if field else set()
    assert broken(spec(cpn_substitutions=[{"dids": dids, "cpn": cpn}])) == expected


def test_r13_at_most_100_cpn_entries() -> None:
    entries = [{"dids": str(1000 + i), "cpn": "6135"} for i in range(101)]
    assert ("cpn_substitutions", "R13") in broken(spec(cpn_substitutions=entries))


@pytest.mark.parametrize(
    ("cesid", "ok"),
    [
        ("6135924000", True),
        ("613592400012", True),
        ("6135*24000", False),
        ("61359#", False),
        ("6135P", False),
        ("6135924000123", False),
    ],
)
def test_r14_cesid_is_digits_only(cesid: str, ok: bool) -> None:
    location = {"name": "Main", "cesid": cesid, "location": "", "zone": "1"}
    expected = set() if ok else {("emergency.locations[0].cesid", "R14")}
    assert broken(spec(emergency__locations=[location])) == expected
