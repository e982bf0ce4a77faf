"""A platform group as its platforms describe it now: versions, reachability, the R4 hunt group.

Versions are never typed in: the refresher re-reads them (R16-R19 take them from the group), and a
platform that does not answer keeps its last known version while it shows as unreachable.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mmp_contracts.events import PlatformGroupChanged
from platform_svc.domain.groups import (
    MBG,
    MICOLLAB,
    MIVB,
    GroupHealth,
    Platform,
    PlatformGroup,
    Probe,
    SystemInfo,
    Unreachable,
)
from platform_svc.domain.rules import check_r4_voicemail_hunt_group

HuntGroups = Sequence[Mapping[str, Any]]


@dataclass(frozen=True)
class Observed:
    """One round of answers from a group's platforms; `mbgs` in the order of the group's sites."""

    mivb: Probe
    mivb_secondary: Probe | None
    micollab: Probe
    mbgs: Sequence[Probe]
    hunt_groups: HuntGroups | Unreachable
    """The MiVB's hunt groups, or why they could not be read (R4)."""


def as_product(probe: Probe, expected: str) -> Probe:
    """A platform answering as another product is as good as absent for this group."""
    if isinstance(probe, SystemInfo) and probe.product != expected:
        return Unreachable(f"answers as a {probe.product}, not a {expected}")
    return probe


def health_of(site_ids: Sequence[str], observed: Observed, mivb_url: str, now: datetime) -> GroupHealth:
    probes: list[tuple[str, Probe]] = [("mivb", as_product(observed.mivb, MIVB))]
    if observed.mivb_secondary is not None:
        probes.append(("mivb_secondary", as_product(observed.mivb_secondary, MIVB)))
    probes.append(("micollab", as_product(observed.micollab, MICOLLAB)))
    probes += [(f"site:{site}", as_product(probe, MBG)) for site, probe in zip(site_ids, observed.mbgs, strict=True)]
    hunt_groups = observed.hunt_groups
    voicemail = None if isinstance(hunt_groups, Unreachable) else _has_voicemail(mivb_url, hunt_groups)
    return GroupHealth(
        reachable={key: isinstance(probe, SystemInfo) for key, probe in probes},
        voicemail_hunt_group=voicemail,
        errors={key: probe.reason for key, probe in probes if isinstance(probe, Unreachable)},
        checked_at=now,
    )


def refreshed(group: PlatformGroup, observed: Observed, now: datetime) -> PlatformGroup:
    """The group with the versions its platforms report now; an unreachable one keeps its last version."""
    mivb = as_product(observed.mivb, MIVB)
    micollab = as_product(observed.micollab, MICOLLAB)
    secondary = group.mivb_secondary
    if secondary is not None and observed.mivb_secondary is not None:
        secondary = _platform(secondary, as_product(observed.mivb_secondary, MIVB))
    sites = [
        site.model_copy(update={"mbg": site.mbg.model_copy(update={"version": probe.version})})
        if isinstance(probe := as_product(found, MBG), SystemInfo)
        else site
        for site, found in zip(group.sites, observed.mbgs, strict=True)
    ]
    micollab_now = group.micollab
    if isinstance(micollab, SystemInfo):
        scripts = bool(micollab.rest_api_scripts)
        micollab_now = micollab_now.model_copy(update={"version": micollab.version, "rest_api_scripts": scripts})
    return group.model_copy(
        update={
            "mivb": _platform(group.mivb, mivb),
            "mivb_secondary": secondary,
            "micollab": micollab_now,
            "sites": sites,
            "health": health_of([site.id for site in group.sites], observed, group.mivb.url, now),
        }
    )


def change(before: PlatformGroup, after: PlatformGroup) -> PlatformGroupChanged | None:
    """An event when what readers act on moved: a version, a platform's reachability, the R4 hunt group."""
    if _observable(before) == _observable(after) or after.health is None:
        return None
    return PlatformGroupChanged(
        platform_group_id=after.id,
        mivb_version=after.mivb.version,
        micollab_version=after.micollab.version,
        rest_api_scripts=after.micollab.rest_api_scripts,
        reachable=after.health.reachable,
        voicemail_hunt_group=after.health.voicemail_hunt_group,
    )


def _observable(group: PlatformGroup) -> tuple[Any, ...]:
    health = group.health
    return (
        group.mivb.version,
        group.mivb_secondary.version if group.mivb_secondary else None,
        group.micollab.version,
        group.micollab.rest_api_scripts,
        [site.mbg.version for site in group.sites],
        health.reachable if health else None,
        health.voicemail_hunt_group if health else None,
    )


def _platform(known: Platform, probe: Probe) -> Platform:
    return known.model_copy(update={"version": probe.version}) if isinstance(probe, SystemInfo) else known


def _has_voicemail(mivb_url: str, hunt_groups: HuntGroups) -> bool:
    return check_r4_voicemail_hunt_group(mivb_url, hunt_groups) is None
