"""Customers for the demo, the benchmark and the tests: the canonical example, made unique per run."""

import copy
import json
import uuid
from pathlib import Path
from typing import Any

CANONICAL = Path(__file__).with_name("create-customer.json")


def canonical_command() -> dict[str, Any]:
    """The canonical `CreateCustomer` CloudEvent (the same file BSS integrators are shown)."""
    command: dict[str, Any] = json.loads(CANONICAL.read_text())
    return command


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
