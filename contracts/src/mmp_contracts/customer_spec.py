"""The ten sections of the create-customer wizard (DOMAIN.md), as carried by `CreateCustomer`.

Shapes only: the business rules (R6-R19) are checked by the services that own them.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DialingPrivileges = Literal["internal", "local", "national", "international"]


class Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CustomerDetails(Section):
    name: str = Field(min_length=1, max_length=120)
    webid: str
    contact_email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    branding: str = "default"


class PlatformAssignment(Section):
    platform_group_id: str = Field(min_length=1)
    extension_length: int
    dialing_privileges: DialingPrivileges
    key_template_id: str | None = None
    welcome_mail_template_id: str | None = None
    confirm_billing_changes: bool = False


class TimeZone(Section):
    zone: str | None = None
    managed_by: Literal["MBG", "MIVB"] = "MBG"


class BundleAllocation(Section):
    bundle_id: str = Field(min_length=1)
    quantity: int = Field(ge=0)
    dialing_privileges: DialingPrivileges = "national"
    billing_change_notification: bool = False
    next_gen_desktop_client: bool = False
    fetch_npm_awv_ports: bool = False
    miteam_meetings: bool = False


class CpnSubstitution(Section):
    dids: str
    cpn: str


class EmergencyLocation(Section):
    name: str = Field(min_length=1)
    cesid: str
    location: str = ""
    zone: str = ""


class Emergency(Section):
    did_as_cesid: bool = False
    locations: list[EmergencyLocation] = []


class DidRange(Section):
    """Numbers as fixed-width digit strings, compared as the MiVB does: ranges of different widths never
    overlap, and leading zeros stay. Shape only here; R12's rules are checked by customer-svc."""

    start: str
    end: str

    @classmethod
    def parse(cls, text: str) -> "DidRange":
        start, _, end = text.partition("-")
        return cls(start=start, end=end or start)

    def text(self) -> str:
        return f"{self.start}-{self.end}"

    @property
    def digits(self) -> int:
        return len(self.start)

    def overlaps(self, other: "DidRange") -> bool:
        return self.digits == other.digits and int(self.start) <= int(other.end) and int(other.start) <= int(self.end)

    def minus(self, other: "DidRange") -> list["DidRange"]:
        """What is left once `other` is taken out: nothing, this range, or the pieces on either side (R12)."""
        if not self.overlaps(other):
            return [self]
        left = [self._between(int(self.start), int(other.start) - 1)] if self.start < other.start else []
        right = [self._between(int(other.end) + 1, int(self.end))] if other.end < self.end else []
        return left + right

    def _between(self, start: int, end: int) -> "DidRange":
        return DidRange(start=str(start).zfill(self.digits), end=str(end).zfill(self.digits))


class FirstUser(Section):
    first_name: str = Field(min_length=1)
    last_name: str = Field(min_length=1)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    username: str


class UserSettings(Section):
    send_welcome_mail: bool = True
    password_policy: Literal["standard", "strong"] = "strong"


class CustomerSpec(Section):
    details: CustomerDetails
    platform: PlatformAssignment
    time_zone: TimeZone = TimeZone()
    service_bundles: list[BundleAllocation] = []
    hotdesk_devices: list[str] = []
    cpn_substitutions: list[CpnSubstitution] = []
    emergency: Emergency = Emergency()
    key_templates: list[str] = []
    did_ranges: list[DidRange] = []
    first_user: FirstUser
    user_settings: UserSettings = UserSettings()


class CustomerChanges(Section):
    """An edit (R22): the sections to change, each replacing the old one whole. The WebID, the platform
    group, the extension length, the DID ranges (their own requests) and the first user are not edited here."""

    details: CustomerDetails | None = None
    dialing_privileges: DialingPrivileges | None = None
    key_template_id: str | None = None
    welcome_mail_template_id: str | None = None
    confirm_billing_changes: bool | None = None
    time_zone: TimeZone | None = None
    service_bundles: list[BundleAllocation] | None = None
    hotdesk_devices: list[str] | None = None
    cpn_substitutions: list[CpnSubstitution] | None = None
    emergency: Emergency | None = None
    key_templates: list[str] | None = None


class BundleUsage(Section):
    """R28: what billing reads per customer and bundle."""

    bundle_id: str
    allocated: int
    used: int


class BillingChange(Section):
    """R27: a bundle quantity that an edit changes."""

    bundle_id: str
    before: int
    after: int
    notify: bool
    """The bundle's `billing_change_notification`: the customer is mailed the change."""
