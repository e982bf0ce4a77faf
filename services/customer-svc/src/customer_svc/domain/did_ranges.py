"""A customer's DID ranges as sets of numbers (R12): what is left after taking some out, what is not held.
The subtraction itself is the contracts' `DidRange.minus`."""

from collections.abc import Iterable

from mmp_contracts.customer_spec import DidRange


def ordered(ranges: Iterable[DidRange]) -> list[DidRange]:
    return sorted(ranges, key=lambda r: (int(r.start), int(r.end), r.digits))


def remove(held: Iterable[DidRange], taken: DidRange) -> list[DidRange]:
    """R12: taking out part of a range leaves the pieces on either side."""
    return ordered(piece for did_range in held for piece in did_range.minus(taken))


def uncovered(held: Iterable[DidRange], wanted: DidRange) -> list[DidRange]:
    """The parts of `wanted` that none of `held` holds."""
    left = [wanted]
    for did_range in held:
        left = [piece for part in left for piece in part.minus(did_range)]
    return left


def covered_by(held: Iterable[DidRange], wanted: DidRange) -> bool:
    """True when every number of `wanted` is held (R12: only held numbers can be removed)."""
    return not uncovered(held, wanted)
