"""The canonical messages: what BSS integrators are shown and what the tests start from."""

import json
from importlib import resources
from typing import Any


def create_customer() -> dict[str, Any]:
    """A fresh copy of the canonical CreateCustomer command: a whole CloudEvents envelope."""
    text = resources.files(__package__).joinpath("create-customer.json").read_text(encoding="utf-8")
    command: dict[str, Any] = json.loads(text)
    return command
