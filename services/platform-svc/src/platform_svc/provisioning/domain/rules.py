"""The create and edit rules provisioning owns, as pure checks on data the handler fetched.

Each `check_` returns the violation(s) (field, rule, message) or None; `reach` and the plans apply them
in order (R1, R5, R4, R9, R14, R15, then the R11 claim) and refuse at the first that fails, before
anything is written anywhere.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from mmp_contracts import Violation
from mmp_contracts.customer_spec import EmergencyLocation
from platform_svc.management.domain import platforms
from platform_svc.management.domain.groups import PlatformGroup
from platform_svc.management.domain.platforms import HuntGroup, Probe, SystemInfo, Unreachable
from platform_svc.management.domain.refusals import Refusal, RefusalKind
from platform_svc.management.domain.versions import at_least

GROUP_FIELD = "platform.platform_group_id"
TIME_ZONE_ON_MIVB_FROM = "9.0"
LONG_CESID_ON_MIVB_FROM = "6.0"
CESID_DIGITS, LONG_CESID_DIGITS = 10, 12


@dataclass(frozen=True)
class Reached:
    """The customer's group, with its MiVB and MiCollab as they answered just now (R5)."""

    group: PlatformGroup
    mivb: SystemInfo
    micollab: SystemInfo


def registered_group(group_id: str, group: PlatformGroup | None) -> PlatformGroup:
    """R1: a customer goes only onto a registered platform group."""
    if group is None:
        raise Refusal(RefusalKind.INVALID, [_unregistered(group_id)])
    return group


def reached(group: PlatformGroup, mivb: Probe, micollab: Probe) -> Reached:
    """R5: the MiVB and the MiCollab both answer, or nothing proceeds."""
    if isinstance(mivb, SystemInfo) and isinstance(micollab, SystemInfo):
        return Reached(group, mivb, micollab)
    raise Refusal(RefusalKind.UPSTREAM, check_r5_live_connection(group, mivb, micollab))


def check_r1_group_registered(group_id: str, group: PlatformGroup | None) -> Violation | None:
    return None if group is not None else _unregistered(group_id)


def _unregistered(group_id: str) -> Violation:
    return Violation(field=GROUP_FIELD, rule="R1", message=f"platform group {group_id!r} is not registered")


def check_r5_live_connection(group: PlatformGroup, mivb: Probe, micollab: Probe) -> list[Violation]:
    """Both MiVB and MiCollab must answer; each one down is named with its address and the error."""
    down = [
        (name, url, probe.reason)
        for name, url, probe in (("MiVB", group.mivb.url, mivb), ("MiCollab", group.micollab.url, micollab))
        if isinstance(probe, Unreachable)
    ]
    return [
        Violation(field=GROUP_FIELD, rule="R5", message=f"{name} at {url} is down: {reason}")
        for name, url, reason in down
    ]


def check_r4_voicemail_hunt_group(mivb_url: str, hunt_groups: list[HuntGroup] | Unreachable) -> Violation | None:
    if isinstance(hunt_groups, Unreachable):
        message = f"could not check the voicemail hunt group: {hunt_groups.reason}"
        return Violation(field=GROUP_FIELD, rule="R4", message=message)
    return platforms.check_r4_voicemail_hunt_group(GROUP_FIELD, mivb_url, hunt_groups)


@dataclass(frozen=True)
class TimeZoneDecision:
    violation: Violation | None = None
    warning: str | None = None
    apply_zone: bool = False
    """Whether the zone goes to the MiVB tenant (only below 9.0)."""


def check_r9_time_zone(mivb_version: str, zone: str | None) -> TimeZoneDecision:
    if not at_least(mivb_version, TIME_ZONE_ON_MIVB_FROM):
        if not zone:
            return TimeZoneDecision(
                violation=Violation(
                    field="time_zone.zone",
                    rule="R9",
                    message=f"a time zone is required on MiVB {mivb_version} (below {TIME_ZONE_ON_MIVB_FROM})",
                )
            )
        return TimeZoneDecision(apply_zone=True)
    if zone:
        return TimeZoneDecision(
            warning=f"R9: time zone {zone!r} ignored: on MiVB {mivb_version} the SP sets the zone on the MiVB"
        )
    return TimeZoneDecision()


def check_r14_cesid_length(mivb_version: str, locations: Sequence[EmergencyLocation]) -> list[Violation]:
    """R14 (version part): more than 10 CESID digits needs MiVB 6.0+, and 12 is the most there.

    Digits only and the 12-digit ceiling are customer-svc's intake checks; the ceiling is kept here
    too, since the length allowed depends on the MiVB this service reads.
    """
    long_ok = at_least(mivb_version, LONG_CESID_ON_MIVB_FROM)
    most = LONG_CESID_DIGITS if long_ok else CESID_DIGITS
    why = "" if long_ok else f" (more than {CESID_DIGITS} needs MiVB {LONG_CESID_ON_MIVB_FROM} or newer)"
    return [
        Violation(
            field=f"emergency.locations[{index}].cesid",
            rule="R14",
            message=f"CESID {location.cesid!r} has {len(location.cesid)} digits; "
            f"at most {most} on MiVB {mivb_version}{why}",
        )
        for index, location in enumerate(locations)
        if len(location.cesid) > most
    ]


def check_r11_sip_username(username: str, mbg_id: str, owner: str, customer_id: str) -> Violation | None:
    """`owner` is the customer holding the claim on this MBG; our own claim is a redelivery, not a clash."""
    if owner == customer_id:
        return None
    return Violation(
        field="first_user.username",
        rule="R11",
        message=f"SIP username {username!r} is already used on MBG {mbg_id} by customer {owner}",
    )


def refuse_if(violations: Sequence[Violation | None]) -> None:
    """Refuses with the violations found, if any (they name their rule, and the reason lists them)."""
    found = [violation for violation in violations if violation is not None]
    if found:
        raise Refusal(RefusalKind.INVALID, found)
