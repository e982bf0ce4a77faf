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
    start: str
    end: str


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
