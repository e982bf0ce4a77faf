"""The assignment of one customer to its platforms: what it holds where, and how it is undone.

A step is recorded as held as soon as it may have taken effect on the platform, so every undo works
from the document alone (R20, R21). Undo runs in the reverse order of creation; a child (DID range,
SIP user) goes away with its parent (tenant, MBG customer), so only parents are deleted.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class State(StrEnum):
    CONFIGURING = "CONFIGURING"  # the create is calling the platforms: `held` lists every step it plans
    ASSIGNED = "ASSIGNED"
    FAILED = "FAILED"  # the create failed and nothing is held
    RELEASED = "RELEASED"  # undone after the create, nothing is held
    RESIDUE = "RESIDUE"  # an undo failed: `held` lists what is left where (R21)


class Kind(StrEnum):
    SIP_CLAIM = "sip_claim"  # ours, in the sip_usernames collection (R11)
    MIVB_TENANT = "mivb_tenant"
    MIVB_DIDS = "mivb_dids"
    MBG_CUSTOMER = "mbg_customer"
    MBG_SIP_USER = "mbg_sip_user"


PARENT = {Kind.MIVB_DIDS: Kind.MIVB_TENANT, Kind.MBG_SIP_USER: Kind.MBG_CUSTOMER}
MBG_KINDS = (Kind.MBG_CUSTOMER, Kind.MBG_SIP_USER)


@dataclass(frozen=True)
class Step:
    kind: Kind
    url: str
    """The platform's base URL; for a SIP claim, the MBG id."""
    target: str
    """Tenant or customer id, DID range `start-end`, SIP username."""

    def to_doc(self) -> dict[str, str]:
        return {key: str(value) for key, value in asdict(self).items()}

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> "Step":
        return cls(kind=Kind(doc["kind"]), url=doc["url"], target=doc["target"])


def parent_of(step: Step, held: Collection[Step]) -> Step | None:
    kind = PARENT.get(step.kind)
    return next((other for other in held if other.kind == kind and other.url == step.url), None)


def undo_plan(held: Sequence[Step]) -> list[Step]:
    """What to undo, newest first (R20); children held with their parent are removed by it."""
    return [step for step in reversed(held) if parent_of(step, held) is None]


def may_undo(step: Step, not_undone: Collection[Step]) -> bool:
    """A SIP username claim is kept while an MBG may still hold the user (R11): releasing it then
    would let another customer take a name the MBG would refuse."""
    return not (step.kind is Kind.SIP_CLAIM and any(other.kind in MBG_KINDS for other in not_undone))


def still_held(held: Sequence[Step], not_undone: Collection[Step]) -> list[Step]:
    """After an undo pass: what was not undone, and the children of a parent that was not."""

    def kept(step: Step) -> bool:
        parent = parent_of(step, held)
        return step in not_undone or (parent is not None and parent in not_undone)

    return [step for step in held if kept(step)]


def residue(held: Sequence[Step]) -> list[str]:
    """What is left where, one line per item on a platform (our own claims are not residue)."""
    return [_describe(step) for step in held if step.kind is not Kind.SIP_CLAIM and parent_of(step, held) is None]


def _describe(step: Step) -> str:
    match step.kind:
        case Kind.MIVB_TENANT:
            return f"MiVB tenant {step.target} at {step.url}"
        case Kind.MIVB_DIDS:
            return f"MiVB DID range {step.target} at {step.url}"
        case Kind.MBG_CUSTOMER:
            return f"MBG customer {step.target} at {step.url}"
        case _:
            return f"MBG SIP user {step.target} at {step.url}"


def held_steps(doc: Mapping[str, Any]) -> list[Step]:
    return [Step.from_doc(step) for step in doc.get("held", [])]


def state_fields(state: State, held: Sequence[Step]) -> dict[str, Any]:
    """The assignment's state, what it holds and the residue that follows from it: always written together."""
    return {"state": state.value, "held": [step.to_doc() for step in held], "residue": residue(held)}


def configuring_fields(planned: Sequence[Step]) -> dict[str, Any]:
    """Written before the first platform call: should the create stop half-way, what it planned is
    known, so a redelivery or a release can undo all of it (R20, R23). Nothing is residue yet."""
    return {**state_fields(State.CONFIGURING, planned), "residue": []}


def with_planned(planned: Sequence[Step], held: Sequence[Step]) -> list[Step]:
    """Everything a resumed create may have left: what it planned, then anything held beyond that."""
    return [*planned, *(step for step in held if step not in planned)]


def tenant_step(held: Sequence[Step]) -> Step | None:
    return next((step for step in held if step.kind is Kind.MIVB_TENANT), None)


def may_change(state: State | None) -> bool:
    """Edits (R22) and DID range changes (R12) apply only to a customer whose platform work is in place."""
    return state is State.ASSIGNED


def not_in_place(customer_id: str, state: State | None) -> str:
    held = "has no platform assignment" if state is None else f"is not in place on its platforms ({state.value})"
    return f"customer {customer_id} {held}"


def may_release_after_micollab_failure(state: State) -> bool:
    """Only an assignment in place (or whose create stopped half-way) is undone; a late or repeated
    event changes nothing."""
    return state in (State.ASSIGNED, State.CONFIGURING)


def holds_platform_work(state: State) -> bool:
    """What a rollback retry must undo; FAILED and RELEASED hold nothing; CONFIGURING may hold what it plans."""
    return state in (State.ASSIGNED, State.RESIDUE, State.CONFIGURING)
