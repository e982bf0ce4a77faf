"""How long a customer may stay in a state that waits: customer-svc's `deadline*` settings (`MMP_DEADLINE_*`) if
it has them, read the way the service reads them (its defaults, the environment over them); else 10 minutes."""

import os
from datetime import timedelta
from typing import Any

DEFAULT_SECONDS = 600.0
WAITING = ("PROVISIONING", "UPDATING", "DELETING", "ROLLING_BACK", "AWAITING_CONFIRMATION")
UNITS = {"_seconds": 1.0, "_minutes": 60.0, "_hours": 3600.0}


def _seconds(name: str, value: Any) -> float | None:
    if isinstance(value, timedelta):
        return value.total_seconds()
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number * next((factor for suffix, factor in UNITS.items() if name.endswith(suffix)), 1.0)


def deadlines() -> tuple[dict[str, float], str, bool]:
    """Seconds per waiting status, where they came from, and whether customer-svc enforces them."""
    try:
        from customer_svc.bootstrap import CustomerSettings
    except ImportError:  # pragma: no cover - the devstack always has customer-svc beside it
        return dict.fromkeys(WAITING, DEFAULT_SECONDS), "customer-svc not importable: 10 minutes", False
    fields = {name: info for name, info in CustomerSettings.model_fields.items() if "deadline" in name}
    if not fields:
        return dict.fromkeys(WAITING, DEFAULT_SECONDS), "customer-svc has no deadline setting: 10 minutes each", False
    found = dict.fromkeys(WAITING, DEFAULT_SECONDS)
    general: float | None = None
    named = []
    for name, info in fields.items():
        raw = os.environ.get(f"MMP_{name.upper()}", info.default)
        seconds = _seconds(name, raw)
        if seconds is None:
            continue
        named.append(f"{name}={seconds:.0f}s")
        statuses = [status for status in WAITING if status.lower() in name]
        if statuses:
            for status in statuses:
                found[status] = seconds
        else:
            general = seconds
    if general is not None:
        for status in WAITING:
            if not any(status.lower() in name for name in fields):
                found[status] = general
    return found, "customer-svc settings: " + ", ".join(named), True
