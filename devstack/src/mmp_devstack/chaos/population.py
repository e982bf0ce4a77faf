"""The campaign's customers and what each will go through, drawn from one seed.

Each customer owns a block of 100 numbers: its first range is the block's first 20, a range it adds is 50-59 of
its block, a removal takes 5-9 out of its first range (splitting it). A contested add asks for the first ten
numbers of the next customer's block, which only one of them can hold (R12).
"""

import copy
import random
from dataclasses import dataclass
from typing import Any

from mmp_devstack.scenarios import canonical_command

FIRST_NUMBER = 6_130_000_000
BLOCK = 100


@dataclass(frozen=True)
class Run:
    tag: str
    """In every WebID, user name and address of this campaign's customers: `chaos-<tag>-<n>`."""
    block_base: int
    """The first customer's number block (blocks differ from run to run, so a stack can host many runs)."""

    def webid(self, index: int) -> str:
        return f"chaos-{self.tag}-{index}"

    def owns(self, webid: str) -> bool:
        return webid.startswith(f"chaos-{self.tag}-")

    def block(self, index: int) -> int:
        return FIRST_NUMBER + (self.block_base + index) * BLOCK

    def numbers(self, index: int, first: int, last: int) -> dict[str, str]:
        start = self.block(index)
        return {"start": str(start + first), "end": str(start + last)}


@dataclass(frozen=True)
class Plan:
    """What one customer goes through. Channels: `kafka` (structured CloudEvent, as a BSS), `kafka-binary` (binary
    mode, as the CloudEvents SDKs publish), `api-event` (the whole CloudEvent POSTed), `api-data` (its data)."""

    index: int
    channel: str
    welcome: bool
    confirm_billing: bool
    accept_billing: bool
    edit: bool
    edit_by_kafka: bool
    add_range: bool
    remove_range: bool
    contested: bool
    together: bool
    """The edit and the range added are asked at once: the second waits for the first (R25)."""
    dids_by_kafka: bool
    demo: bool
    delete: bool
    delete_by_kafka: bool
    recreate: bool
    """Created again with the same WebID, user and numbers after a failed create or a delete (R20, R23)."""


def plans(run: Run, count: int, rng: random.Random) -> list[Plan]:
    def chance(p: float) -> bool:
        return rng.random() < p

    made = []
    for index in range(count):
        demo = chance(0.12)
        made.append(
            Plan(
                index=index,
                channel=rng.choices(["kafka", "kafka-binary", "api-event", "api-data"], [50, 15, 20, 15])[0],
                welcome=chance(0.9),
                confirm_billing=chance(0.15),
                accept_billing=chance(0.7),
                edit=chance(0.6),
                edit_by_kafka=chance(0.25),
                add_range=chance(0.5),
                remove_range=chance(0.35),
                contested=chance(0.05),
                together=chance(0.25),
                dids_by_kafka=chance(0.25),
                demo=demo,
                delete=chance(0.5 if demo else 0.25),
                delete_by_kafka=chance(0.25),
                recreate=chance(0.3),
            )
        )
    return made


def customer_data(run: Run, plan: Plan) -> dict[str, Any]:
    """The canonical CreateCustomer data, made this customer's own."""
    data: dict[str, Any] = copy.deepcopy(canonical_command()["data"])
    index, webid = plan.index, run.webid(plan.index)
    data["details"]["webid"] = webid
    data["details"]["name"] = f"Chaos {run.tag} {index}"
    data["details"]["contact_email"] = f"billing.{run.tag}.{index}@chaos.example"
    data["first_user"]["username"] = f"u-{run.tag}-{index}"
    data["first_user"]["email"] = f"first.{run.tag}.{index}@chaos.example"
    data["did_ranges"] = [run.numbers(index, 0, 19)]
    data["platform"]["confirm_billing_changes"] = plan.confirm_billing
    data["user_settings"]["send_welcome_mail"] = plan.welcome
    return data


def edited(data: dict[str, Any], round_: int) -> dict[str, Any]:
    """A JSON Merge Patch: a new name, and more of the first bundle (a billing change, R27)."""
    bundles = copy.deepcopy(data["service_bundles"])
    bundles[0]["quantity"] += 1 + round_
    return {"details": {"name": f"{data['details']['name']} edited {round_}"}, "service_bundles": bundles}
