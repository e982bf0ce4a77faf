from datetime import UTC, datetime

import pytest

from mmp_contracts.events import PlatformGroupChanged
from platform_svc.management.domain.blueprint_groups import BlueprintGroupRequest, group_from_blueprint
from platform_svc.management.domain.groups import PlatformGroup
from platform_svc.management.domain.health import Observed
from platform_svc.management.domain.platforms import HuntGroup, Probe, SystemInfo, Unreachable
from platform_svc.management.domain.refusals import Refusal, RefusalKind

pytestmark = pytest.mark.unit

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
MIVB = SystemInfo("MiVoice Business", "10.1.0.0")
MICOLLAB = SystemInfo("MiCollab", "9.1.0.0", rest_api_scripts=True)
MBG = SystemInfo("MiVoice Border Gateway", "12.0.0.0")
VOICEMAIL = [HuntGroup("6000", "Voicemail", "voicemail")]
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


def observed(
    mivb: Probe = MIVB,
    secondary: Probe = MIVB,
    micollab: Probe = MICOLLAB,
    mbg: Probe = MBG,
    hunt_groups: list[HuntGroup] | Unreachable = VOICEMAIL,
) -> Observed:
    return Observed(REQUEST.addresses(), mivb, secondary, micollab, [mbg], hunt_groups)


def made() -> PlatformGroup:
    return group_from_blueprint(REQUEST, observed(), NOW)


def test_r2_a_group_from_a_blueprint_carries_it_and_its_discovered_versions() -> None:
    group = made()

    assert (group.blueprint_id, group.micollab.version, group.mivb_secondary) == (
        "bp-1",
        "9.1.0.0",
        group.mivb.model_copy(update={"url": "http://mivb2"}),
    )
    assert group.health is not None
    assert group.health.reachable == {"mivb": True, "mivb_secondary": True, "micollab": True, "site:ott": True}
    assert group.created().blueprint_id == "bp-1"


def test_r5_and_r4_problems_are_named_when_a_group_is_made() -> None:
    down = observed(secondary=Unreachable("HTTP 503"), micollab=Unreachable("refused"), hunt_groups=[])

    with pytest.raises(Refusal) as refused:
        group_from_blueprint(REQUEST, down, NOW)

    assert refused.value.kind is RefusalKind.INVALID
    assert [(v.field, v.rule, v.message) for v in refused.value.violations] == [
        ("mivb_secondary_url", "R5", "secondary MiVB at http://mivb2 is down: HTTP 503"),
        ("micollab_url", "R5", "MiCollab at http://micollab is down: refused"),
        (
            "mivb_url",
            "R4",
            "the MiVB at http://mivb has no voicemail hunt group; create it before adding customers",
        ),
    ]


def test_r16_a_refresh_takes_the_versions_the_platforms_report() -> None:
    group = made()
    upgraded = SystemInfo("MiCollab", "9.2.0.0", rest_api_scripts=True)

    events = group.refresh(observed(micollab=upgraded), NOW)

    assert group.micollab.version == "9.2.0.0"
    assert events is not None
    [event] = events
    assert isinstance(event, PlatformGroupChanged)
    assert (event.micollab_version, event.mivb_version, event.rest_api_scripts) == ("9.2.0.0", "10.1.0.0", True)
    assert group.refresh(observed(micollab=upgraded), NOW) == []  # nothing moved: no news


def test_an_unreachable_platform_keeps_its_last_version_and_shows_down() -> None:
    group = made()

    events = group.refresh(observed(mivb=Unreachable("timed out"), hunt_groups=Unreachable("timed out")), NOW)

    assert group.mivb.version == "10.1.0.0"
    assert group.health is not None
    assert (group.health.reachable["mivb"], group.health.errors, group.health.voicemail_hunt_group) == (
        False,
        {"mivb": "timed out"},
        None,
    )
    assert events is not None
    [event] = events
    assert isinstance(event, PlatformGroupChanged)
    assert event.reachable["mivb"] is False


def test_a_platform_answering_as_another_product_counts_as_absent() -> None:
    group = made()

    group.refresh(observed(mbg=MICOLLAB), NOW)

    assert group.sites[0].mbg.version == "12.0.0.0"
    assert group.health is not None
    assert group.health.errors == {"site:ott": "answers as a MiCollab, not a MiVoice Border Gateway"}


def test_a_refresh_of_a_group_replaced_since_it_was_observed_changes_nothing() -> None:
    group = made()
    elsewhere = Observed(
        REQUEST.model_copy(update={"mivb_url": "http://mivb-9"}).addresses(), MIVB, MIVB, MICOLLAB, [MBG], VOICEMAIL
    )

    assert group.refresh(elsewhere, NOW) is None
    assert group == made()


def test_a_group_without_customers_is_deleted_to_a_tombstone_and_its_id_is_free_again() -> None:
    group = made()

    with pytest.raises(Refusal) as in_use:
        group.delete(has_customers=True)
    events = group.delete(has_customers=False)

    assert (in_use.value.kind, in_use.value.violations[0].rule) == (RefusalKind.CONFLICT, "platform-group-in-use")
    assert [type(event).__name__ for event in events] == ["PlatformGroupDeleted"]
    assert group.deleted
    with pytest.raises(Refusal) as gone:
        group.delete(has_customers=False)
    assert gone.value.kind is RefusalKind.NOT_FOUND
    assert group.refresh(observed(), NOW) is None
    group.check_free()
    assert [type(event).__name__ for event in group.revive_as(made())] == ["PlatformGroupCreated"]
    assert not group.deleted
    with pytest.raises(Refusal) as taken:
        group.check_free()
    assert taken.value.violations[0].message == "platform group pg-1 exists already"


def test_r2_a_group_made_from_a_blueprint_is_not_replaced_by_hand() -> None:
    group = made()

    with pytest.raises(Refusal) as refused:
        group.replace_by_hand(made().model_copy(update={"blueprint_id": None, "name": "By hand"}))

    assert (refused.value.kind, refused.value.violations[0].rule) == (RefusalKind.CONFLICT, "R2")
    assert group.name == "Ottawa 1"
