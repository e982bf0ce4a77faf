"""Registering a platform group by hand: the request, and the group as its platforms describe themselves."""

from urllib.parse import urlsplit

from pydantic import Field, model_validator

from mmp_contracts import Violation
from platform_svc.management.domain.groups import Mbg, MiCollabPlatform, Platform, PlatformGroup, Site
from platform_svc.management.domain.health import Addresses
from platform_svc.management.domain.platforms import MBG, MICOLLAB, MIVB, Model, Probe, SystemInfo, Unreachable
from platform_svc.management.domain.refusals import Refusal, RefusalKind
from platform_svc.management.domain.versions import parse_version

Url = str


class SiteRegistration(Model):
    id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=120)
    mbg_url: Url = Field(pattern=r"^https?://[^\s/@]+(/|$)", max_length=300)
    mbg_id: str | None = Field(default=None, min_length=1, max_length=64)
    """Optional: defaults to the MBG's host and port, so groups sharing an MBG share its id (R11)."""


class GroupRegistration(Model):
    name: str = Field(min_length=1, max_length=120)
    mivb_url: Url = Field(pattern=r"^https?://[^\s/@]+(/|$)", max_length=300)
    micollab_url: Url = Field(pattern=r"^https?://[^\s/@]+(/|$)", max_length=300)
    sites: list[SiteRegistration] = Field(min_length=1, max_length=50)

    @model_validator(mode="after")
    def _distinct_sites(self) -> "GroupRegistration":
        ids = [site.id for site in self.sites]
        if len(set(ids)) != len(ids):
            raise ValueError("site ids must be distinct within a group")
        return self

    def addresses(self) -> Addresses:
        return Addresses(self.mivb_url, None, self.micollab_url, tuple(site.mbg_url for site in self.sites))


def mbg_id_of(site: SiteRegistration) -> str:
    if site.mbg_id:
        return site.mbg_id
    parts = urlsplit(site.mbg_url)
    return (parts.netloc + parts.path.rstrip("/")).lower()


def assemble_group(
    group_id: str, registration: GroupRegistration, mivb: Probe, micollab: Probe, mbgs: list[Probe]
) -> PlatformGroup:
    """The group as discovered; refused (INVALID) naming each unreachable or wrong platform."""
    problems = [
        problem
        for problem in (
            probe_problem("mivb_url", registration.mivb_url, MIVB, mivb),
            probe_problem("micollab_url", registration.micollab_url, MICOLLAB, micollab),
            *(
                probe_problem(f"sites.{index}.mbg_url", site.mbg_url, MBG, probe)
                for index, (site, probe) in enumerate(zip(registration.sites, mbgs, strict=True))
            ),
        )
        if problem is not None
    ]
    if problems or not (isinstance(mivb, SystemInfo) and isinstance(micollab, SystemInfo)):
        raise Refusal(RefusalKind.INVALID, problems)
    return PlatformGroup(
        id=group_id,
        name=registration.name,
        mivb=Platform(url=registration.mivb_url, version=mivb.version),
        micollab=MiCollabPlatform(
            url=registration.micollab_url, version=micollab.version, rest_api_scripts=bool(micollab.rest_api_scripts)
        ),
        sites=[
            Site(id=site.id, name=site.name, mbg=Mbg(id=mbg_id_of(site), url=site.mbg_url, version=probe.version))
            for site, probe in zip(registration.sites, mbgs, strict=True)
            if isinstance(probe, SystemInfo)
        ],
    )


def probe_problem(field: str, url: str, expected: str, probe: Probe) -> Violation | None:
    if isinstance(probe, Unreachable):
        return Violation(field=field, rule="discovery", message=f"{expected} at {url} is unreachable: {probe.reason}")
    if probe.product != expected:
        return Violation(field=field, rule="discovery", message=f"{url} is a {probe.product}, not a {expected}")
    if not parse_version(probe.version):
        return Violation(field=field, rule="discovery", message=f"{expected} at {url} reports no usable version")
    return None
