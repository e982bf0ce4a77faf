import pytest

from platform_svc.domain.assignment import Kind, Step
from platform_svc.domain.dids import did_target, subtract, with_range, without_range

pytestmark = pytest.mark.unit

MIVB, OTHER = "http://mivb", "http://mivb-2"
TENANT = Step(Kind.MIVB_TENANT, MIVB, "c1")
CLAIM = Step(Kind.SIP_CLAIM, "mbg-1", "ahaddad")


def dids(target: str, url: str = MIVB) -> Step:
    return Step(Kind.MIVB_DIDS, url, target)


def test_r12_removing_the_middle_of_a_range_splits_it() -> None:
    assert subtract(("6135924000", "6135924019"), ("6135924005", "6135924009")) == [
        ("6135924000", "6135924004"),
        ("6135924010", "6135924019"),
    ]


def test_r12_removing_an_end_or_all_of_a_range() -> None:
    assert subtract(("0100", "0199"), ("0100", "0149")) == [("0150", "0199")]  # leading zeros stay
    assert subtract(("0100", "0199"), ("0150", "0250")) == [("0100", "0149")]
    assert subtract(("0100", "0199"), ("0000", "0999")) == []


def test_r12_numbers_of_other_widths_or_outside_are_untouched() -> None:
    assert subtract(("0100", "0199"), ("100", "199")) == [("0100", "0199")]
    assert subtract(("0100", "0199"), ("0200", "0299")) == [("0100", "0199")]


def test_r12_held_ranges_are_split_in_place_on_that_mivb_only() -> None:
    held = [CLAIM, TENANT, dids("5550100-5550199"), dids("5550100-5550199", OTHER), dids("5550300-5550399")]

    assert without_range(held, MIVB, "5550150-5550150") == [
        CLAIM,
        TENANT,
        dids("5550100-5550149"),
        dids("5550151-5550199"),
        dids("5550100-5550199", OTHER),
        dids("5550300-5550399"),
    ]


def test_r12_a_range_added_twice_is_held_once() -> None:
    held = with_range([TENANT], dids("5550100-5550199"))

    assert with_range(held, dids("5550100-5550199")) == [TENANT, dids("5550100-5550199")]


def test_r12_ranges_change_only_for_a_customer_in_place_on_that_group() -> None:
    doc = {"state": "ASSIGNED", "platform_group_id": "pg-1", "held": [CLAIM.to_doc(), TENANT.to_doc()]}

    assert did_target("c1", doc, "pg-1") == TENANT
    assert did_target("c1", None, "pg-1") == "customer c1 has no platform assignment"
    assert (
        did_target("c1", {**doc, "state": "RESIDUE"}, "pg-1")
        == "customer c1 is not in place on its platforms (RESIDUE)"
    )
    assert "on platform group 'pg-1', not 'pg-2'" in str(did_target("c1", doc, "pg-2"))
    assert did_target("c1", {**doc, "held": [CLAIM.to_doc()]}, "pg-1") == "customer c1 holds no MiVB tenant"
