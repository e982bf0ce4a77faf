"""What the create configures on MiVB and MBG (R20), in order, and the bodies sent for it."""

from collections.abc import Sequence
from typing import Any

from mmp_contracts.customer_spec import CustomerSpec
from mmp_contracts.events import MiCollabTarget
from platform_svc.domain.assignment import Kind, Step
from platform_svc.domain.groups import Mbg, PlatformGroup, SystemInfo
from platform_svc.domain.key_templates import KeyTemplate


def sip_claim(mbg: Mbg, username: str) -> Step:
    return Step(Kind.SIP_CLAIM, mbg.id, username)


def configuration_steps(customer_id: str, spec: CustomerSpec, group: PlatformGroup) -> list[Step]:
    """R20: the MiVB tenant, each of its DID ranges, then the MBG customer and its first SIP user."""
    mivb, mbg = group.mivb.url, group.customer_mbg().url
    return [
        Step(Kind.MIVB_TENANT, mivb, customer_id),
        *(Step(Kind.MIVB_DIDS, mivb, f"{did.start}-{did.end}") for did in spec.did_ranges),
        Step(Kind.MBG_CUSTOMER, mbg, customer_id),
        Step(Kind.MBG_SIP_USER, mbg, spec.first_user.username),
    ]


def key_template_copies(templates: Sequence[KeyTemplate]) -> list[dict[str, Any]]:
    """R15: the customer's copies, whole (not ids), so later edits of the SP's templates miss them."""
    return [template.model_dump() for template in templates]


def mivb_tenant_body(spec: CustomerSpec, apply_time_zone: bool, key_templates: Sequence[KeyTemplate]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": spec.details.name,
        "webid": spec.details.webid,
        "extension_length": spec.platform.extension_length,
        "dialing_privileges": spec.platform.dialing_privileges,
        "cpn_substitutions": [entry.model_dump() for entry in spec.cpn_substitutions],
        "emergency": spec.emergency.model_dump(),
        "key_templates": key_template_copies(key_templates),
        "hotdesk_devices": list(spec.hotdesk_devices),
    }
    if apply_time_zone:  # R9: below MiVB 9.0 only
        body["time_zone"] = spec.time_zone.model_dump()
    return body


def mbg_customer_body(spec: CustomerSpec) -> dict[str, Any]:
    return {"name": spec.details.name, "webid": spec.details.webid}


def sip_user_body(spec: CustomerSpec) -> dict[str, Any]:
    # No credential here: the SIP password is set on the device side, never carried by us.
    user = spec.first_user
    return {"display_name": f"{user.first_name} {user.last_name}", "email": user.email}


def micollab_target(url: str, micollab: SystemInfo, mivb: SystemInfo) -> MiCollabTarget:
    """For micollab-svc's gates (R16-R19): the versions the platforms report now, fresher than the
    copy taken when the group was registered."""
    return MiCollabTarget(
        url=url, version=micollab.version, rest_api_scripts=bool(micollab.rest_api_scripts), mivb_version=mivb.version
    )
