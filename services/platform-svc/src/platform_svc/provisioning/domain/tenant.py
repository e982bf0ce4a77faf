"""The customer's MiVB tenant as we send it: the whole of it, PUT by id (R20), so that putting back an
earlier one is one call (R22). It holds the customer's key template copies (R15)."""

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from mmp_contracts.customer_spec import CpnSubstitution, CustomerSpec, DialingPrivileges, Emergency, TimeZone
from platform_svc.management.domain.key_templates import KeyTemplate


class MivbTenant(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    webid: str
    extension_length: int
    dialing_privileges: DialingPrivileges
    cpn_substitutions: list[CpnSubstitution]
    emergency: Emergency
    key_templates: list[KeyTemplate]
    """The customer's copies, whole (not ids), so later edits of the SP's templates miss them (R15)."""
    hotdesk_devices: list[str]
    time_zone: TimeZone | None = None
    """R9: sent below MiVB 9.0 only."""

    @classmethod
    def of(cls, spec: CustomerSpec, apply_time_zone: bool, key_templates: Sequence[KeyTemplate]) -> "MivbTenant":
        return cls(
            name=spec.details.name,
            webid=spec.details.webid,
            extension_length=spec.platform.extension_length,
            dialing_privileges=spec.platform.dialing_privileges,
            cpn_substitutions=list(spec.cpn_substitutions),
            emergency=spec.emergency,
            key_templates=list(key_templates),
            hotdesk_devices=list(spec.hotdesk_devices),
            time_zone=spec.time_zone if apply_time_zone else None,
        )
