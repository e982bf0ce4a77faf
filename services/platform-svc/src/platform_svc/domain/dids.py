"""DID ranges held by the customer's MiVB tenant (R12), kept as `start-end` steps of the assignment.

Numbers are fixed-width digit strings, compared as the MiVB does: different widths never overlap,
and within one width string order is numeric order (leading zeros stay).
"""

from collections.abc import Mapping, Sequence
from typing import Any

from mmp_contracts.customer_spec import DidRange
from platform_svc.domain.assignment import Kind, State, Step, held_steps, may_change, not_in_place, tenant_step

Numbers = tuple[str, str]


def range_text(did_range: DidRange) -> str:
    return f"{did_range.start}-{did_range.end}"


def parse_range(text: str) -> Numbers:
    start, _, end = text.partition("-")
    return start, end


def subtract(held: Numbers, removed: Numbers) -> list[Numbers]:
    """What is left of `held` once `removed` is taken out: nothing, one range, or two (a split)."""
    if len(held[0]) != len(removed[0]) or max(held[0], removed[0]) > min(held[1], removed[1]):
        return [held]
    left: list[Numbers] = []
    if held[0] < removed[0]:
        left.append((held[0], _shift(removed[0], -1)))
    if removed[1] < held[1]:
        left.append((_shift(removed[1], 1), held[1]))
    return left


def with_range(held: Sequence[Step], added: Step) -> list[Step]:
    """The MiVB records a range once, however often it is added; so does the assignment."""
    return list(held) if added in held else [*held, added]


def without_range(held: Sequence[Step], url: str, removed: str) -> list[Step]:
    """Every range held on that MiVB, less the removed numbers, each split in place (R12)."""
    left: list[Step] = []
    for step in held:
        if step.kind is Kind.MIVB_DIDS and step.url == url:
            pieces = subtract(parse_range(step.target), parse_range(removed))
            left.extend(Step(Kind.MIVB_DIDS, url, f"{start}-{end}") for start, end in pieces)
        else:
            left.append(step)
    return left


def did_target(customer_id: str, doc: Mapping[str, Any] | None, group_id: str) -> Step | str:
    """The MiVB tenant whose DIDs change, or why there is none (a clear reason for the Failed event)."""
    state = State(doc["state"]) if doc else None
    if doc is None or not may_change(state):
        return not_in_place(customer_id, state)
    if doc["platform_group_id"] != group_id:
        return f"customer {customer_id} is on platform group {doc['platform_group_id']!r}, not {group_id!r}"
    tenant = tenant_step(held_steps(doc))
    return tenant if tenant else f"customer {customer_id} holds no MiVB tenant"


def _shift(number: str, delta: int) -> str:
    return str(int(number) + delta).zfill(len(number))
