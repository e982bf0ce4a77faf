"""Making a platform group from a registered blueprint (R2): MiVB (or a resilient pair), MiCollab and
sites each tied to an MBG, with the versions discovered from the platforms, R5 and R4 checked.
"""

from datetime import datetime

from pydantic import Field

from mmp_contracts import Violation
from platform_svc.domain.discovery import GroupRegistration, Url, assemble_group, probe_problem
from platform_svc.domain.groups import MBG, MICOLLAB, MIVB, Platform, PlatformGroup, Probe, SystemInfo, Unreachable
from platform_svc.domain.health import Observed, health_of
from platform_svc.domain.rules import check_r4_voicemail_hunt_group

GROUP_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class BlueprintGroupRequest(GroupRegistration):
    id: str = Field(pattern=GROUP_ID)
    blueprint_id: str = Field(min_length=1, max_length=64)
    mivb_secondary_url: Url | None = Field(default=None, pattern=r"^https?://[^\s/@]+(/|$)", max_length=300)


def group_from_blueprint(
    request: BlueprintGroupRequest, observed: Observed, now: datetime
) -> PlatformGroup | list[Violation]:
    """The group, or every reason it cannot be made; nothing is stored in that case."""
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
        return problems
    group = assemble_group(request.id, request, observed.mivb, observed.micollab, list(observed.mbgs))
    if isinstance(group, list):
        return group
    secondary = None
    if request.mivb_secondary_url and isinstance(observed.mivb_secondary, SystemInfo):
        secondary = Platform(url=request.mivb_secondary_url, version=observed.mivb_secondary.version)
    health = health_of([site.id for site in request.sites], observed, request.mivb_url, now)
    made = {"blueprint_id": request.blueprint_id, "mivb_secondary": secondary, "health": health}
    return group.model_copy(update=made)


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
    missing = check_r4_voicemail_hunt_group(mivb_url, hunt_groups)
    return missing.model_copy(update={"field": "mivb_url"}) if missing else None
