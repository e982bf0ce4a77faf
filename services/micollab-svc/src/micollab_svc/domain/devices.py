"""R19: which device types the customer's platforms can carry, by their MiCollab and MiVB versions."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from micollab_svc.domain.versions import at_least
from mmp_contracts import Violation
from mmp_contracts.events import MiCollabTarget


@dataclass(frozen=True)
class DeviceGate:
    family: str
    pattern: re.Pattern[str]
    micollab_min: str
    mivb_min: str | None = None


DEVICE_GATES = (
    DeviceGate("69xxW/69xxL/CloudLink", re.compile(r"^(69\d\d[WL]|cloudlink.*)$", re.IGNORECASE), "9.6", "9.4"),
    DeviceGate("5617/5619/7xx", re.compile(r"^(561[79]|7\d\d)$"), "9.8"),
)


def device_violations(devices: Sequence[str], target: MiCollabTarget) -> list[Violation]:
    """R19: 69xxW/69xxL/CloudLink need MiCollab 9.6+ and MiVB 9.4+; 5617/5619/7xx need MiCollab 9.8+."""
    violations = []
    for index, device in enumerate(devices):
        gate = next((g for g in DEVICE_GATES if g.pattern.match(device.strip())), None)
        if gate is None:
            continue
        micollab_ok = at_least(target.version, gate.micollab_min)
        mivb_ok = gate.mivb_min is None or at_least(target.mivb_version, gate.mivb_min)
        if not (micollab_ok and mivb_ok):
            needs = f"MiCollab {gate.micollab_min}+" + (f" and MiVB {gate.mivb_min}+" if gate.mivb_min else "")
            violations.append(
                Violation(
                    field=f"hotdesk_devices[{index}]",
                    rule="R19",
                    message=f"{device} ({gate.family}) needs {needs}; this group has MiCollab {target.version}, "
                    f"MiVB {target.mivb_version}",
                )
            )
    return violations
