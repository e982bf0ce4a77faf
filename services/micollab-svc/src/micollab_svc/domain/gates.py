"""The MiCollab version gates on service bundles (R16, R17, R18); R19 (device types) is in devices.py."""

from collections.abc import Sequence

from micollab_svc.domain.versions import at_least, newer_than
from mmp_contracts import Violation
from mmp_contracts.customer_spec import BundleAllocation
from mmp_contracts.events import MiCollabTarget

MITEAM_MEETINGS_MIN = "9.2"  # R16
NPM_AWV_PORTS_MIN = "9.4.0.9"  # R17
REST_API_BASELINE = "8.0"  # R18: at or below it on both MiCollab and MiVB, the REST API scripts are needed
REST_API_BUNDLES = frozenset({"mobile", "single-line-device"})


def gate_violations(bundles: Sequence[BundleAllocation], target: MiCollabTarget) -> list[Violation]:
    """Every bundle option the customer's MiCollab cannot carry, each named by its field."""
    violations: list[Violation] = []
    for index, bundle in enumerate(bundles):
        field = f"service_bundles[{index}]"
        if bundle.miteam_meetings and not at_least(target.version, MITEAM_MEETINGS_MIN):
            violations.append(
                Violation(
                    field=f"{field}.miteam_meetings",
                    rule="R16",
                    message=f"bundle {bundle.bundle_id}: MiTeam Meetings needs MiCollab {MITEAM_MEETINGS_MIN} "
                    f"or newer; this MiCollab is {target.version}",
                )
            )
        if bundle.fetch_npm_awv_ports and not at_least(target.version, NPM_AWV_PORTS_MIN):
            violations.append(
                Violation(
                    field=f"{field}.fetch_npm_awv_ports",
                    rule="R17",
                    message=f"bundle {bundle.bundle_id}: fetching NPM and AWV ports needs MiCollab "
                    f"{NPM_AWV_PORTS_MIN} or newer; this MiCollab is {target.version}",
                )
            )
        if bundle.bundle_id in REST_API_BUNDLES and not rest_api_available(target):
            violations.append(
                Violation(
                    field=f"{field}.bundle_id",
                    rule="R18",
                    message=f"bundle {bundle.bundle_id} needs the REST API scripts on MiCollab when MiCollab "
                    f"({target.version}) and MiVB ({target.mivb_version}) are both {REST_API_BASELINE} or older",
                )
            )
    return violations


def rest_api_available(target: MiCollabTarget) -> bool:
    """R18 as DOMAIN.md words it: the bundles are withheld only when the scripts are missing AND both
    MiCollab and MiVB are 8.0 or older."""
    return (
        target.rest_api_scripts
        or newer_than(target.version, REST_API_BASELINE)
        or newer_than(target.mivb_version, REST_API_BASELINE)
    )
