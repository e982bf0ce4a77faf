import pytest
from pydantic import ValidationError

from platform_svc.management.domain.discovery import GroupRegistration, assemble_group
from platform_svc.management.domain.platforms import SystemInfo, Unreachable
from platform_svc.management.domain.refusals import Refusal, RefusalKind
from platform_svc.management.domain.versions import at_least, parse_version

pytestmark = pytest.mark.unit

REGISTRATION = GroupRegistration(
    name="Ottawa 1",
    mivb_url="http://mivb:9101",
    micollab_url="http://micollab:9102",
    sites=[{"id": "ott", "name": "Ottawa", "mbg_url": "http://MBG:9103/"}],  # type: ignore[list-item]
)
MIVB = SystemInfo("MiVoice Business", "10.1.0.0")
MICOLLAB = SystemInfo("MiCollab", "9.8.0.0", rest_api_scripts=True)
MBG = SystemInfo("MiVoice Border Gateway", "12.0.0.0")


def test_versions_compare_as_numbers() -> None:
    assert parse_version("10.1SP2.3") == (10, 1)
    assert [at_least(v, "9.0") for v in ("10.1.0.0", "9", "9.0.0.1", "8.0.1")] == [True, True, True, False]
    assert [at_least(v, "9.4.0.9") for v in ("9.4.0.9", "9.4.0.8", "9.10")] == [True, False, True]


def test_group_is_assembled_from_discovered_versions() -> None:
    group = assemble_group("pg-1", REGISTRATION, MIVB, MICOLLAB, [MBG])

    assert (group.mivb.version, group.micollab.version, group.micollab.rest_api_scripts) == (
        "10.1.0.0",
        "9.8.0.0",
        True,
    )
    assert group.customer_mbg().model_dump() == {"id": "mbg:9103", "url": "http://MBG:9103/", "version": "12.0.0.0"}
    assert group.created().mbg_ids == ["mbg:9103"]


def test_unreachable_or_wrong_platforms_are_named() -> None:
    with pytest.raises(Refusal) as refused:
        assemble_group("pg-1", REGISTRATION, Unreachable("HTTP 503"), MBG, [MICOLLAB])

    assert refused.value.kind is RefusalKind.INVALID
    assert [(p.field, p.message) for p in refused.value.violations] == [
        ("mivb_url", "MiVoice Business at http://mivb:9101 is unreachable: HTTP 503"),
        ("micollab_url", "http://micollab:9102 is a MiVoice Border Gateway, not a MiCollab"),
        ("sites.0.mbg_url", "http://MBG:9103/ is a MiCollab, not a MiVoice Border Gateway"),
    ]


def test_site_ids_are_distinct() -> None:
    site = {"id": "ott", "name": "Ottawa", "mbg_url": "http://mbg"}
    with pytest.raises(ValidationError, match="distinct"):
        GroupRegistration(name="x", mivb_url="http://a", micollab_url="http://b", sites=[site, site])  # type: ignore[list-item]
