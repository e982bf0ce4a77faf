"""DID range arithmetic on the contract type (R12), the one every service uses."""

import pytest

from mmp_contracts.customer_spec import DidRange

pytestmark = pytest.mark.contract


def r(text: str) -> DidRange:
    return DidRange.parse(text)


def test_taking_out_the_middle_splits_a_range_in_two() -> None:
    assert r("6135550100-6135550199").minus(r("6135550150-6135550160")) == [
        r("6135550100-6135550149"),
        r("6135550161-6135550199"),
    ]


def test_taking_out_an_end_or_all_of_it_leaves_the_rest_or_nothing() -> None:
    assert r("6135550100-6135550199").minus(r("6135550000-6135550100")) == [r("6135550101-6135550199")]
    assert r("6135550100-6135550199").minus(r("6135550190-6135559999")) == [r("6135550100-6135550189")]
    assert r("6135550100-6135550199").minus(r("6135550000-6135559999")) == []


def test_ranges_of_other_widths_or_places_are_untouched_and_leading_zeros_stay() -> None:
    assert r("6135550100-6135550199").minus(r("0135550100-0135550199")) == [r("6135550100-6135550199")]
    assert not r("0100-0199").overlaps(r("100-199"))
    assert r("0100-0199").minus(r("0150")) == [r("0100-0149"), r("0151-0199")]
    assert r("0150").text() == "0150-0150"
