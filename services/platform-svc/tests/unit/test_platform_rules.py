import pytest

from mmp_contracts.customer_spec import EmergencyLocation
from platform_svc.management.domain.groups import Mbg, MiCollabPlatform, Platform, PlatformGroup, Site
from platform_svc.management.domain.platforms import HuntGroup, SystemInfo, Unreachable
from platform_svc.management.domain.refusals import Refusal
from platform_svc.provisioning.domain import rules

pytestmark = pytest.mark.unit

GROUP = PlatformGroup(
    id="pg-1",
    name="Ottawa 1",
    mivb=Platform(url="http://mivb", version="10.1.0.0"),
    micollab=MiCollabPlatform(url="http://micollab", version="9.8.0.0", rest_api_scripts=True),
    sites=[Site(id="s1", name="Main", mbg=Mbg(id="mbg-1", url="http://mbg", version="12.0"))],
)
UP_MIVB = SystemInfo("MiVoice Business", "10.1.0.0")
UP_MICOLLAB = SystemInfo("MiCollab", "9.8.0.0", rest_api_scripts=True)


def test_r1_unregistered_platform_group_is_refused() -> None:
    violation = rules.check_r1_group_registered("pg-nowhere", None)

    assert violation is not None
    assert (violation.field, violation.rule) == ("platform.platform_group_id", "R1")
    assert "pg-nowhere" in violation.message
    assert rules.check_r1_group_registered("pg-1", GROUP) is None
    with pytest.raises(Refusal) as refused:
        rules.registered_group("pg-nowhere", None)
    assert refused.value.violations == [violation]
    assert rules.registered_group("pg-1", GROUP) is GROUP


def test_r4_mivb_without_voicemail_hunt_group_is_refused() -> None:
    sales = HuntGroup(number="6100", name="Sales", kind="circular")
    voicemail = HuntGroup(number="6000", name="Voicemail", kind="voicemail")

    violation = rules.check_r4_voicemail_hunt_group("http://mivb", [sales])

    assert violation is not None
    assert violation.rule == "R4"
    assert violation.message == (
        "the MiVB at http://mivb has no voicemail hunt group; create it before adding customers"
    )
    assert rules.check_r4_voicemail_hunt_group("http://mivb", [sales, voicemail]) is None
    unread = rules.check_r4_voicemail_hunt_group("http://mivb", Unreachable("MiVB http://mivb: timed out"))
    assert unread is not None
    assert unread.message == "could not check the voicemail hunt group: MiVB http://mivb: timed out"


def test_r5_each_platform_down_is_named() -> None:
    assert rules.check_r5_live_connection(GROUP, UP_MIVB, UP_MICOLLAB) == []

    only_mivb = rules.check_r5_live_connection(GROUP, Unreachable("HTTP 503"), UP_MICOLLAB)
    both = rules.check_r5_live_connection(GROUP, Unreachable("refused"), Unreachable("timed out"))

    assert [(v.rule, v.message) for v in only_mivb] == [("R5", "MiVB at http://mivb is down: HTTP 503")]
    assert [v.message for v in both] == [
        "MiVB at http://mivb is down: refused",
        "MiCollab at http://micollab is down: timed out",
    ]
    with pytest.raises(Refusal) as refused:
        rules.reached(GROUP, Unreachable("refused"), Unreachable("timed out"))
    assert refused.value.violations == both
    assert rules.reached(GROUP, UP_MIVB, UP_MICOLLAB) == rules.Reached(GROUP, UP_MIVB, UP_MICOLLAB)


def test_r9_zone_required_below_mivb_9() -> None:
    missing = rules.check_r9_time_zone("8.0.1.2", None)
    given = rules.check_r9_time_zone("8.0.1.2", "America/Toronto")

    assert missing.violation is not None
    assert (missing.violation.field, missing.violation.rule) == ("time_zone.zone", "R9")
    assert given == rules.TimeZoneDecision(apply_zone=True)


def test_r9_zone_ignored_with_warning_from_mivb_9() -> None:
    given = rules.check_r9_time_zone("9.0", "America/Toronto")
    absent = rules.check_r9_time_zone("10.1.0.0", None)

    assert (given.violation, given.apply_zone) == (None, False)
    assert given.warning == ("R9: time zone 'America/Toronto' ignored: on MiVB 9.0 the SP sets the zone on the MiVB")
    assert absent == rules.TimeZoneDecision()


def test_r11_sip_username_held_by_another_customer_on_the_same_mbg_is_refused() -> None:
    clash = rules.check_r11_sip_username("ahaddad", "mbg-1", owner="cust-a", customer_id="cust-b")

    assert clash is not None
    assert (clash.field, clash.rule) == ("first_user.username", "R11")
    assert clash.message == "SIP username 'ahaddad' is already used on MBG mbg-1 by customer cust-a"
    # Our own claim (a redelivered request) is no clash.
    assert rules.check_r11_sip_username("ahaddad", "mbg-1", owner="cust-b", customer_id="cust-b") is None


def test_r14_cesid_longer_than_10_digits_needs_mivb_6() -> None:
    locations = [
        EmergencyLocation(name="Main", cesid="6135924000"),
        EmergencyLocation(name="Annex", cesid="613592400011"),
    ]

    old = rules.check_r14_cesid_length("5.0.1.0", locations)
    new = rules.check_r14_cesid_length("6.0", locations)
    too_long = rules.check_r14_cesid_length("10.1.0.0", [EmergencyLocation(name="X", cesid="6135924000112")])

    assert [(v.field, v.rule) for v in old] == [("emergency.locations[1].cesid", "R14")]
    assert old[0].message == (
        "CESID '613592400011' has 12 digits; at most 10 on MiVB 5.0.1.0 (more than 10 needs MiVB 6.0 or newer)"
    )
    assert new == []
    assert [(v.field, v.rule) for v in too_long] == [("emergency.locations[0].cesid", "R14")]
