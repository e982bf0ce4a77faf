"""What a platform group's platforms answer in one round: versions, reachability, the R4 hunt group."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from platform_svc.management.domain.platforms import (
    MBG,
    MICOLLAB,
    MIVB,
    HuntGroup,
    Model,
    Probe,
    SystemInfo,
    Unreachable,
    has_voicemail_hunt_group,
)


@dataclass(frozen=True)
class Addresses:
    """Where a group's platforms are: what one round of observation asks."""

    mivb: str
    mivb_secondary: str | None
    micollab: str
    mbgs: tuple[str, ...]


@dataclass(frozen=True)
class Observed:
    """One round of answers from a group's platforms; `mbgs` in the order of the group's sites."""

    addresses: Addresses
    mivb: Probe
    mivb_secondary: Probe | None
    micollab: Probe
    mbgs: Sequence[Probe]
    hunt_groups: list[HuntGroup] | Unreachable
    """The MiVB's hunt groups, or why they could not be read (R4)."""


class GroupHealth(Model):
    """What the platforms answered at the last check (creation or refresh)."""

    reachable: dict[str, bool]
    """Per platform: `mivb`, `mivb_secondary`, `micollab`, `site:<site id>` (that site's MBG)."""
    voicemail_hunt_group: bool | None = None
    """R4; None when the MiVB could not be asked."""
    errors: dict[str, str] = {}
    """Why each unreachable platform is, by the same keys."""
    checked_at: datetime


def as_product(probe: Probe, expected: str) -> Probe:
    """A platform answering as another product is as good as absent for this group."""
    if isinstance(probe, SystemInfo) and probe.product != expected:
        return Unreachable(f"answers as a {probe.product}, not a {expected}")
    return probe


def health_of(site_ids: Sequence[str], observed: Observed, now: datetime) -> GroupHealth:
    probes: list[tuple[str, Probe]] = [("mivb", as_product(observed.mivb, MIVB))]
    if observed.mivb_secondary is not None:
        probes.append(("mivb_secondary", as_product(observed.mivb_secondary, MIVB)))
    probes.append(("micollab", as_product(observed.micollab, MICOLLAB)))
    probes += [(f"site:{site}", as_product(probe, MBG)) for site, probe in zip(site_ids, observed.mbgs, strict=True)]
    hunt_groups = observed.hunt_groups
    return GroupHealth(
        reachable={key: isinstance(probe, SystemInfo) for key, probe in probes},
        voicemail_hunt_group=None if isinstance(hunt_groups, Unreachable) else has_voicemail_hunt_group(hunt_groups),
        errors={key: probe.reason for key, probe in probes if isinstance(probe, Unreachable)},
        checked_at=now,
    )
