from datetime import UTC, datetime

import pytest

from platform_svc.domain.blueprint_groups import BlueprintGroupRequest, group_from_blueprint
from platform_svc.domain.groups import SystemInfo, Unreachable
from platform_svc.domain.health import Observed, change, refreshed

pytestmark = pytest.mark.unit

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
MIVB = SystemInfo("MiVoice Business", "10.1.0.0")
MICOLLAB = SystemInfo("MiCollab", "9.1.0.0", rest_api_scripts=True)
MBG = SystemInfo("MiVoice Border Gateway", "12.0.0.0")
VOICEMAIL = [{"number": "6000", "name": "Voicemail", "type": "voicemail"}]
REQUEST = BlueprintGroupRequest.model_validate(
    {
        "id": "pg-1",
        "name": "Ottawa 1",
        "blueprint_id": "bp-1",
        "mivb_url": "http://mivb",
        "mivb_secondary_url": "http://mivb2",
        "micollab_url": "http://micollab",
        "sites": [{"id": "ott", "name": "Ottawa", "mbg_url": "http://mbg"}],
    }
)
ALL_UP = Observed(MIVB, MIVB, MICOLLAB, [MBG], VOICEMAIL)


def test_r2_a_group_from_a_blueprint_carries_it_and_its_discovered_versions() -> None:
    group = group_from_blueprint(REQUEST, ALL_UP, NOW)

    assert not isinstance(group, list)
    assert (group.blueprint_id, group.micollab.version, group.mivb_secondary) == (
        "bp-1",
        "9.1.0.0",
        group.mivb.model_copy(update={"url": "http://mivb2"}),
    )
    assert group.health is not None
    assert group.health.reachable == {"mivb": True, "mivb_secondary": True, "micollab": True, "site:ott": True}
    assert group.created().blueprint_id == "bp-1"


def test_r5_and_r4_problems_are_named_when_a_group_is_made() -> None:
    down = Observed(MIVB, Unreachable("HTTP 503"), Unreachable("refused"), [MBG], [])

    problems = group_from_blueprint(REQUEST, down, NOW)

    assert isinstance(problems, list)
    assert [(v.field, v.rule, v.message) for v in problems] == [
        ("mivb_secondary_url", "R5", "secondary MiVB at http://mivb2 is down: HTTP 503"),
        ("micollab_url", "R5", "MiCollab at http://micollab is down: refused"),
        (
            "mivb_url",
            "R4",
            "the MiVB at http://mivb has no voicemail hunt group; create it before adding customers",
        ),
    ]


def test_r16_a_refresh_takes_the_versions_the_platforms_report() -> None:
    group = group_from_blueprint(REQUEST, ALL_UP, NOW)
    assert not isinstance(group, list)
    upgraded = SystemInfo("MiCollab", "9.2.0.0", rest_api_scripts=True)

    after = refreshed(group, Observed(MIVB, MIVB, upgraded, [MBG], VOICEMAIL), NOW)

    event = change(group, after)
    assert after.micollab.version == "9.2.0.0"
    assert event is not None
    assert (event.micollab_version, event.mivb_version, event.rest_api_scripts) == ("9.2.0.0", "10.1.0.0", True)
    assert change(after, refreshed(after, Observed(MIVB, MIVB, upgraded, [MBG], VOICEMAIL), NOW)) is None


def test_an_unreachable_platform_keeps_its_last_version_and_shows_down() -> None:
    group = group_from_blueprint(REQUEST, ALL_UP, NOW)
    assert not isinstance(group, list)

    after = refreshed(group, Observed(Unreachable("timed out"), MIVB, MICOLLAB, [MBG], Unreachable("timed out")), NOW)

    assert after.mivb.version == "10.1.0.0"
    assert after.health is not None
    assert (after.health.reachable["mivb"], after.health.errors, after.health.voicemail_hunt_group) == (
        False,
        {"mivb": "timed out"},
        None,
    )
    event = change(group, after)
    assert event is not None
    assert event.reachable["mivb"] is False


def test_a_platform_answering_as_another_product_counts_as_absent() -> None:
    group = group_from_blueprint(REQUEST, ALL_UP, NOW)
    assert not isinstance(group, list)

    after = refreshed(group, Observed(MIVB, MIVB, MICOLLAB, [MICOLLAB], VOICEMAIL), NOW)

    assert after.sites[0].mbg.version == "12.0.0.0"
    assert after.health is not None
    assert after.health.errors == {"site:ott": "answers as a MiCollab, not a MiVoice Border Gateway"}
