"""Making a platform group from a registered blueprint (R2): MiVB (or a resilient pair), MiCollab and
sites each tied to an MBG, with the versions discovered from the platforms, R5 and R4 checked.
"""

from datetime import datetime

from pydantic import Field

from mmp_contracts import Violation
from platform_svc.management.domain.discovery import GroupRegistration, Url, assemble_group, probe_problem
from platform_svc.management.domain.groups import Platform, PlatformGroup
from platform_svc.management.domain.health import Addresses, Observed, health_of
from platform_svc.management.domain.platforms import (
    MBG,
    MICOLLAB,
    MIVB,
    Probe,
    SystemInfo,
    Unreachable,
    check_r4_voicemail_hunt_group,
)
from platform_svc.management.domain.refusals import Refusal, RefusalKind

GROUP_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class BlueprintGroupRequest(GroupRegistration):
    id: str = Field(pattern=GROUP_ID)
    blueprint_id: str = Field(min_length=1, max_length=64)
    mivb_secondary_url: Url | None = Field(default=None, pattern=r"^https?://[^\s/@]+(/|$)", max_length=300)

    def addresses(self) -> Addresses:
        mbgs = tuple(site.mbg_url for site in self.sites)
        return Addresses(self.mivb_url, self.mivb_secondary_url, self.micollab_url, mbgs)


def group_from_blueprint(request: BlueprintGroupRequest, observed: Observed, now: datetime) -> PlatformGroup:
    """The group; refused (INVALID) with every reason it cannot be made, and then nothing is stored."""
    problems = [
        problem
        for problem in (
            _live("mivb_url", "MiVB", request.mivb_url, MIVB, observed.mivb),  # R5
            _secondary(request, observed.mivb_secondary),
            _live("micollab_url", "MiCollab", request.micollab_url, MICOLLAB, observed.micollab),  # R5
            *(
                probe_problem(f"sites.{index}.mbg_url", site.mbg_url, MBG, probe)
                for index, (site, probe) in enumerate(zip(request.sites, observed.mbgs, strict=True))
            ),
            _voicemail(request.mivb_url, observed) if isinstance(observed.mivb, SystemInfo) else None,
        )
        if problem is not None
    ]
    if problems:
        raise Refusal(RefusalKind.INVALID, problems)
    group = assemble_group(request.id, request, observed.mivb, observed.micollab, list(observed.mbgs))
    if request.mivb_secondary_url and isinstance(observed.mivb_secondary, SystemInfo):
        group.mivb_secondary = Platform(url=request.mivb_secondary_url, version=observed.mivb_secondary.version)
    group.blueprint_id = request.blueprint_id
    group.health = health_of([site.id for site in request.sites], observed, now)
    return group


def _live(field: str, label: str, url: str, expected: str, probe: Probe) -> Violation | None:
    """R5: MiVB and MiCollab must answer; anything else wrong with them is a discovery problem."""
    if isinstance(probe, Unreachable):
        return Violation(field=field, rule="R5", message=f"{label} at {url} is down: {probe.reason}")
    return probe_problem(field, url, expected, probe)


def _secondary(request: BlueprintGroupRequest, probe: Probe | None) -> Violation | None:
    if request.mivb_secondary_url is None or probe is None:
        return None
    return _live("mivb_secondary_url", "secondary MiVB", request.mivb_secondary_url, MIVB, probe)


def _voicemail(mivb_url: str, observed: Observed) -> Violation | None:
    """R4, checked when the group is made so that its first customer does not find the gap."""
    hunt_groups = observed.hunt_groups
    if isinstance(hunt_groups, Unreachable):
        message = f"could not read the hunt groups of the MiVB at {mivb_url}: {hunt_groups.reason}"
        return Violation(field="mivb_url", rule="R4", message=message)
    return check_r4_voicemail_hunt_group("mivb_url", mivb_url, hunt_groups)
