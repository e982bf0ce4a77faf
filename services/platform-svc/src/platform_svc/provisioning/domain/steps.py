"""What a customer holds where, one `Step` per thing made, and how it is undone.

A step is recorded as held as soon as it may have taken effect on the platform, so every undo works from
the assignment alone (R20, R21). Undo runs in the reverse order of creation; a child (DID range, SIP user)
goes away with its parent (tenant, MBG customer), so only parents are deleted.
"""

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from mmp_contracts.customer_spec import DidRange


class StepKind(StrEnum):
    SIP_CLAIM = "sip_claim"  # ours, in the sip_usernames collection (R11)
    MIVB_TENANT = "mivb_tenant"
    MIVB_DIDS = "mivb_dids"
    MBG_CUSTOMER = "mbg_customer"
    MBG_SIP_USER = "mbg_sip_user"


PARENT = {StepKind.MIVB_DIDS: StepKind.MIVB_TENANT, StepKind.MBG_SIP_USER: StepKind.MBG_CUSTOMER}
MBG_KINDS = (StepKind.MBG_CUSTOMER, StepKind.MBG_SIP_USER)


@dataclass(frozen=True)
class Step:
    kind: StepKind
    url: str
    """The platform's base URL; for a SIP claim, the MBG id."""
    target: str
    """Tenant or customer id, DID range `start-end`, SIP username."""

    def describe(self) -> str:
        match self.kind:
            case StepKind.MIVB_TENANT:
                return f"MiVB tenant {self.target} at {self.url}"
            case StepKind.MIVB_DIDS:
                return f"MiVB DID range {self.target} at {self.url}"
            case StepKind.MBG_CUSTOMER:
                return f"MBG customer {self.target} at {self.url}"
            case StepKind.MBG_SIP_USER:
                return f"MBG SIP user {self.target} at {self.url}"
            case StepKind.SIP_CLAIM:
                return f"SIP username {self.target} claimed on MBG {self.url}"


def parent_of(step: Step, held: Collection[Step]) -> Step | None:
    kind = PARENT.get(step.kind)
    return next((other for other in held if other.kind == kind and other.url == step.url), None)


def undo_plan(held: Sequence[Step]) -> list[Step]:
    """What to undo, newest first (R20); children held with their parent are removed by it."""
    return [step for step in reversed(held) if parent_of(step, held) is None]


def may_undo(step: Step, not_undone: Collection[Step]) -> bool:
    """A SIP username claim is kept while an MBG may still hold the user (R11): releasing it then
    would let another customer take a name the MBG would refuse."""
    return not (step.kind is StepKind.SIP_CLAIM and any(other.kind in MBG_KINDS for other in not_undone))


def still_held(held: Sequence[Step], not_undone: Collection[Step]) -> list[Step]:
    """After an undo pass: what was not undone, and the children of a parent that was not."""

    def kept(step: Step) -> bool:
        parent = parent_of(step, held)
        return step in not_undone or (parent is not None and parent in not_undone)

    return [step for step in held if kept(step)]


def residue(held: Sequence[Step]) -> list[str]:
    """What is left where, one line per item on a platform (our own claims are not residue)."""
    return [step.describe() for step in held if step.kind is not StepKind.SIP_CLAIM and parent_of(step, held) is None]


def with_planned(planned: Sequence[Step], held: Sequence[Step]) -> list[Step]:
    """Everything a resumed create may have left: what it planned, then anything held beyond that."""
    return [*planned, *(step for step in held if step not in planned)]


class Progress:
    """A create's platform work so far: a step counts once it may have taken effect (a timeout or a 500
    after the request was sent does; a refused connection, a 4xx or a 503 does not)."""

    def __init__(self, earlier: Sequence[Step] = ()) -> None:
        self.earlier = list(earlier)
        """What an earlier attempt, stopped half-way, planned: all of it may exist (R20)."""
        self.held: list[Step] = []
        self.failure: str | None = None

    def done(self, step: Step) -> None:
        if step not in self.held:
            self.held.append(step)

    def failed(self, step: Step, reason: str, maybe_applied: bool) -> None:
        if maybe_applied:
            self.done(step)
        self.failure = reason

    def to_undo(self) -> list[Step]:
        return with_planned(self.earlier, self.held)


class Undo:
    """One undo pass over `held`, newest first (R20). Every step is tried, so one platform down leaves only
    its own part behind (R21): the handler undoes each step `steps()` yields and reports what failed."""

    def __init__(self, held: Sequence[Step]) -> None:
        self.held = list(held)
        self.not_undone: list[Step] = []
        self.problems: list[str] = []

    def steps(self) -> Iterator[Step]:
        for step in undo_plan(self.held):
            if may_undo(step, self.not_undone):
                yield step
            else:
                self.not_undone.append(step)

    def failed(self, step: Step, reason: str) -> None:
        self.not_undone.append(step)
        self.problems.append(reason)

    @property
    def left(self) -> list[Step]:
        """What is still held after the pass: empty when everything is gone."""
        return still_held(self.held, self.not_undone)


def with_range(held: Sequence[Step], added: Step) -> list[Step]:
    """The MiVB records a range once, however often it is added; so does the assignment."""
    return list(held) if added in held else [*held, added]


def without_range(held: Sequence[Step], url: str, removed: DidRange) -> list[Step]:
    """Every range held on that MiVB, less the removed numbers, each split in place as the MiVB does (R12)."""
    left: list[Step] = []
    for step in held:
        if step.kind is StepKind.MIVB_DIDS and step.url == url:
            pieces = DidRange.parse(step.target).minus(removed)
            left.extend(Step(StepKind.MIVB_DIDS, url, piece.text()) for piece in pieces)
        else:
            left.append(step)
    return left
