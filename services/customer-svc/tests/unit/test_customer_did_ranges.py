"""R12 on numbers: splitting, overlap, and which numbers a customer holds."""

import pytest

from customer_svc.domain.did_ranges import covered_by, remove
from mmp_contracts.customer_spec import DidRange

pytestmark = pytest.mark.unit


def span(start: int, end: int, digits: int = 10) -> DidRange:
    return DidRange(start=str(start).zfill(digits), end=str(end).zfill(digits))


def test_r12_removing_part_of_a_range_splits_it() -> None:
    assert remove([span(6135924000, 6135924019)], span(6135924005, 6135924009)) == [
        span(6135924000, 6135924004),
        span(6135924010, 6135924019),
    ]
    assert remove([span(100, 199, 3)], span(100, 199, 3)) == []


def test_r12_numbers_of_another_length_never_overlap() -> None:
    assert not span(100, 199, 3).overlaps(span(100, 199, 4))
    assert span(100, 199, 3).overlaps(span(199, 250, 3))


def test_r12_only_held_numbers_can_be_removed() -> None:
    held = [span(100, 119, 3), span(150, 169, 3)]
    assert covered_by(held, span(105, 110, 3))
    assert not covered_by(held, span(115, 155, 3))
