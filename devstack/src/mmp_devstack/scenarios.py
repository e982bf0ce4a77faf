"""Customers for the demo, the benchmark and the tests: the canonical example, made unique per run."""

import copy
import uuid
from typing import Any

from mmp_contracts import examples


def canonical_command() -> dict[str, Any]:
    """The canonical `CreateCustomer` CloudEvent (the same one BSS integrators are shown)."""
    return examples.create_customer()


def customer(index: int, tag: str = "") -> dict[str, Any]:
    """The canonical data with its own WebID, first user and DID range, so many can live side by side."""
    data: dict[str, Any] = copy.deepcopy(canonical_command()["data"])
    suffix = f"{tag}{index}"
    data["details"]["webid"] = f"harbour-{suffix}"[:32]
    data["details"]["name"] = f"Harbour Dental {suffix}"
    data["first_user"]["username"] = f"user-{suffix}"
    data["first_user"]["email"] = f"admin@{suffix}.example"
    first = 6130000000 + index * 100
    data["did_ranges"] = [{"start": str(first), "end": str(first + 19)}]
    return data


def command(data: dict[str, Any]) -> dict[str, Any]:
    event = canonical_command()
    return {**event, "id": str(uuid.uuid4()), "data": data}
