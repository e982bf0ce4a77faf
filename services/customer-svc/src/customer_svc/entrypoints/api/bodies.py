"""What the API takes: the contracts' shapes with the sizes a real service provider never reaches (a longer
string or list is a 422 naming the field), JSON Merge Patch (RFC 7396) documents for an edit, and the canonical
examples. The business rules (R6-R14) are the domain's: these bounds sit above them, so a rule still names
its number.

The bounds keep every message that carries a customer's specification (a create, an edit's before and after)
far below Kafka's 1 MiB limit: a specification is at most `MAX_SPEC_BYTES` of JSON, and a request body at most
256 KiB (servicekit's `BodyLimit`)."""

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from customer_svc.domain.catalogue import SERVICE_TYPES
from mmp_contracts import examples
from mmp_contracts.commands import CreateCustomer, UpdateCustomer
from mmp_contracts.customer_spec import (
    BundleAllocation,
    CpnSubstitution,
    CustomerDetails,
    CustomerSpec,
    DialingPrivileges,
    DidRange,
    Emergency,
    EmergencyLocation,
    FirstUser,
    PlatformAssignment,
    TimeZone,
    UserSettings,
)

SHORT = 64
"""Identifiers, user names, device models, time zones (a WebID is at most 32, R6)."""
TEXT = 200
"""Names and addresses."""
EMAIL = 254
"""RFC 5321's longest address."""
NUMBER = 32
"""DID numbers (at most 15 digits, R12), CESIDs (at most 12, R14), CPNs (at most 14, R13)."""
DIDS_TEXT = 120
"""A CPN substitution's DID field (at most 60, R13)."""
MANY = 100
"""Bundles, hotdesk devices, key templates, emergency locations of one customer."""
CPN_ENTRIES = 200
"""CPN substitutions (at most 100, R13)."""
DID_RANGES = 500
"""DID ranges of one customer."""
QUANTITY = 1_000_000
"""Users of a bundle."""
MAX_SPEC_BYTES = 128 * 1024
"""A customer's whole specification as JSON (escaped as the events carry it); the canonical one is 2 KB."""

Short = Annotated[str, Field(max_length=SHORT)]
Text = Annotated[str, Field(max_length=TEXT)]
Email = Annotated[str, Field(max_length=EMAIL, pattern=r"^[^@\s]+@[^@\s]+$")]
Number = Annotated[str, Field(max_length=NUMBER)]

_CANONICAL = examples.create_customer()
_RENAMED = examples.of(UpdateCustomer).changes.model_dump(mode="json", exclude_unset=True)["details"]["name"]


def _required_member(schema: dict[str, Any]) -> None:
    """The schema of a member a patch may leave out but never set to null: neither the null nor the default."""
    schema.pop("default", None)
    kept = [option for option in schema.pop("anyOf", []) if option != {"type": "null"}]
    if len(kept) == 1:
        schema.update(kept[0])
    elif kept:
        schema["anyOf"] = kept


class Strict(BaseModel):
    """No unknown member, no coercion (`0` is not false, `"1"` is not 1)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


# The sections of a new customer: the contract's, bounded.


class CustomerDetailsBody(CustomerDetails):
    model_config = ConfigDict(strict=True)

    name: str = Field(min_length=1, max_length=120)
    webid: Short
    contact_email: Email
    branding: Short = "default"


class PlatformAssignmentBody(PlatformAssignment):
    model_config = ConfigDict(strict=True)

    platform_group_id: str = Field(min_length=1, max_length=SHORT)
    extension_length: int = Field(ge=0, le=99)
    key_template_id: Short | None = None
    welcome_mail_template_id: Short | None = None


class TimeZoneBody(TimeZone):
    model_config = ConfigDict(strict=True)

    zone: Short | None = None


class BundleAllocationBody(BundleAllocation):
    model_config = ConfigDict(strict=True)

    bundle_id: str = Field(min_length=1, max_length=SHORT)
    quantity: int = Field(ge=0, le=QUANTITY)


class CpnSubstitutionBody(CpnSubstitution):
    model_config = ConfigDict(strict=True)

    dids: str = Field(max_length=DIDS_TEXT)
    cpn: Number


class EmergencyLocationBody(EmergencyLocation):
    model_config = ConfigDict(strict=True)

    name: str = Field(min_length=1, max_length=TEXT)
    cesid: Number
    location: Text = ""
    zone: Short = ""


class EmergencyBody(Emergency):
    model_config = ConfigDict(strict=True)

    locations: list[EmergencyLocationBody] = Field(default=[], max_length=MANY)  # type: ignore[assignment]  # the contract's, bounded


class DidRangeBody(DidRange):
    """Numbers as fixed-width digit strings (R12: 3 to 15 digits, start not after end)."""

    model_config = ConfigDict(strict=True, json_schema_extra={"examples": [_CANONICAL["data"]["did_ranges"][0]]})

    start: Number
    end: Number

    def contract(self) -> DidRange:
        return DidRange(start=self.start, end=self.end)


class FirstUserBody(FirstUser):
    model_config = ConfigDict(strict=True)

    first_name: str = Field(min_length=1, max_length=TEXT)
    last_name: str = Field(min_length=1, max_length=TEXT)
    email: Email
    username: Short


class UserSettingsBody(UserSettings):
    model_config = ConfigDict(strict=True)


class NewCustomer(CustomerSpec):
    """A new customer: the ten sections of the create-customer wizard (`CreateCustomer`'s data)."""

    model_config = ConfigDict(strict=True, json_schema_extra={"examples": [_CANONICAL["data"]]})

    details: CustomerDetailsBody
    platform: PlatformAssignmentBody
    time_zone: TimeZoneBody = TimeZoneBody()
    service_bundles: list[BundleAllocationBody] = Field(default=[], max_length=MANY)  # type: ignore[assignment]  # the contract's, bounded
    hotdesk_devices: list[Short] = Field(default=[], max_length=MANY)
    cpn_substitutions: list[CpnSubstitutionBody] = Field(default=[], max_length=CPN_ENTRIES)  # type: ignore[assignment]  # the contract's, bounded
    emergency: EmergencyBody = EmergencyBody()
    key_templates: list[Short] = Field(default=[], max_length=MANY)
    did_ranges: list[DidRangeBody] = Field(default=[], max_length=DID_RANGES)  # type: ignore[assignment]  # the contract's, bounded
    first_user: FirstUserBody
    user_settings: UserSettingsBody = UserSettingsBody()

    @model_validator(mode="after")
    def _fits_in_a_message(self) -> "NewCustomer":
        refuse_oversized(self)
        return self

    def command(self) -> CreateCustomer:
        return CreateCustomer.model_validate(self.model_dump())


def spec_bytes(spec: BaseModel) -> int:
    """The specification's size as the events carry it (JSON, non-ASCII escaped)."""
    return len(json.dumps(spec.model_dump(mode="json")))


def refuse_oversized(spec: BaseModel) -> None:
    size = spec_bytes(spec)
    if size > MAX_SPEC_BYTES:
        message = f"the customer's specification would be {size} bytes of JSON; at most {MAX_SPEC_BYTES}"
        raise PydanticCustomError("too_large", message)


CREATE_SCHEMA = f"urn:mmp:schema:CreateCustomer:{CreateCustomer.schema_version}"


class NewCustomerEvent(BaseModel):
    """The whole `CreateCustomer` CloudEvent a BSS would publish on `customer.commands`; its `source` and `id`
    make it idempotent (the same event sent again answers the same task)."""

    model_config = ConfigDict(frozen=True, extra="ignore", strict=True, json_schema_extra={"examples": [_CANONICAL]})

    specversion: Literal["1.0"]
    id: str = Field(min_length=1, max_length=TEXT)
    source: str = Field(min_length=1, max_length=TEXT)
    type: Literal["CreateCustomer"]
    time: datetime | None = Field(default=None, strict=False)  # JSON carries it as an RFC 3339 string
    datacontenttype: str = Field(
        default="application/json", max_length=TEXT, pattern=r"^application/([a-z0-9.-]+\+)?json(;.*)?$"
    )
    dataschema: str = Field(pattern=f"^{CREATE_SCHEMA}$")
    correlationid: Text | None = None
    causationid: Text | None = None
    traceparent: Text | None = None
    data: NewCustomer

    @field_validator("time", mode="before")
    @classmethod
    def _rfc3339(cls, value: Any) -> Any:
        if value is not None and not isinstance(value, str):
            raise PydanticCustomError("datetime_type", "an RFC 3339 date-time string is required")
        return value

    def envelope(self) -> dict[str, Any]:
        """The event as `CloudEvent.model_validate` takes it."""
        return {**self.model_dump(mode="json", exclude_none=True), "data": self.data.command().model_dump(mode="json")}


def _form(body: Any) -> str:
    return "event" if isinstance(body, dict) and "specversion" in body else "data"


CreateCustomerBody = Annotated[
    Annotated[NewCustomer, Tag("data")] | Annotated[NewCustomerEvent, Tag("event")],
    Discriminator(_form),
]
"""Either form: the data alone (the API makes the event around it), or the whole CloudEvent."""


# Editing (R22): a JSON Merge Patch (RFC 7396) of the customer's editable members.


def _not_null(value: Any, name: str) -> Any:
    if value is None:
        raise PydanticCustomError(
            "not_nullable", "{name} is required: it cannot be removed (null); send its new value", {"name": name}
        )
    return value


class DetailsPatch(Strict):
    """Any of the details; `branding: null` resets it to `default`. The WebID never changes (R6): it may be
    sent only as it is."""

    name: Annotated[str, Field(min_length=1, max_length=120)] | None = Field(
        default=None, json_schema_extra=_required_member
    )
    webid: Short | None = Field(default=None, json_schema_extra=_required_member)
    contact_email: Email | None = Field(default=None, json_schema_extra=_required_member)
    branding: Short | None = None

    @field_validator("name", "webid", "contact_email", mode="before")
    @classmethod
    def _required(cls, value: Any, info: Any) -> Any:
        return _not_null(value, f"details.{info.field_name}")


class TimeZonePatch(Strict):
    """`zone: null` removes the zone; `managed_by: null` resets it to `MBG`."""

    zone: Short | None = None
    managed_by: Literal["MBG", "MIVB"] | None = None


class EmergencyPatch(Strict):
    """`did_as_cesid: null` resets it to false; `locations` is replaced whole (`null`: none)."""

    did_as_cesid: bool | None = None
    locations: list[EmergencyLocationBody] | None = Field(default=None, max_length=MANY)


_REQUIRED = (
    "details",
    "dialing_privileges",
    "confirm_billing_changes",
    "time_zone",
    "service_bundles",
    "hotdesk_devices",
    "cpn_substitutions",
    "emergency",
    "key_templates",
)


class CustomerPatch(Strict):
    """A JSON Merge Patch (RFC 7396, `application/merge-patch+json`) of the customer's editable members: a
    member left out stays as it is, an object is merged member by member, a list is replaced whole, and `null`
    removes an optional member (`key_template_id`, `welcome_mail_template_id`, `time_zone.zone`) or resets one
    with a default (`details.branding`, `time_zone.managed_by`, `emergency.did_as_cesid`,
    `emergency.locations`). The sections themselves and the required fields cannot be removed: a `null` there
    is a 422 naming the field. The WebID, the platform group, the extension length, the DID ranges (their own
    requests) and the first user are not edited here."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"details": {"name": _RENAMED}}, {"key_template_id": None}]}
    )

    details: DetailsPatch | None = Field(default=None, json_schema_extra=_required_member)
    dialing_privileges: DialingPrivileges | None = Field(default=None, json_schema_extra=_required_member)
    key_template_id: Short | None = None
    welcome_mail_template_id: Short | None = None
    confirm_billing_changes: bool | None = Field(default=None, json_schema_extra=_required_member)
    time_zone: TimeZonePatch | None = Field(default=None, json_schema_extra=_required_member)
    service_bundles: Annotated[list[BundleAllocationBody], Field(max_length=MANY)] | None = Field(
        default=None, json_schema_extra=_required_member
    )
    hotdesk_devices: Annotated[list[Short], Field(max_length=MANY)] | None = Field(
        default=None, json_schema_extra=_required_member
    )
    cpn_substitutions: Annotated[list[CpnSubstitutionBody], Field(max_length=CPN_ENTRIES)] | None = Field(
        default=None, json_schema_extra=_required_member
    )
    emergency: EmergencyPatch | None = Field(default=None, json_schema_extra=_required_member)
    key_templates: Annotated[list[Short], Field(max_length=MANY)] | None = Field(
        default=None, json_schema_extra=_required_member
    )

    @field_validator(*_REQUIRED, mode="before")
    @classmethod
    def _required(cls, value: Any, info: Any) -> Any:
        return _not_null(value, str(info.field_name))

    def document(self) -> dict[str, Any]:
        """The patch as sent: members left out are absent, a `null` is None."""
        return self.model_dump(mode="json", exclude_unset=True)


class CustomerEdit(Strict):
    """The customer's editable members after a patch, validated as a whole before any of it is asked for."""

    details: CustomerDetailsBody
    dialing_privileges: DialingPrivileges
    key_template_id: Short | None = None
    welcome_mail_template_id: Short | None = None
    confirm_billing_changes: bool
    time_zone: TimeZoneBody
    service_bundles: list[BundleAllocationBody] = Field(max_length=MANY)
    hotdesk_devices: list[Short] = Field(max_length=MANY)
    cpn_substitutions: list[CpnSubstitutionBody] = Field(max_length=CPN_ENTRIES)
    emergency: EmergencyBody
    key_templates: list[Short] = Field(max_length=MANY)

    @staticmethod
    def current(spec: CustomerSpec) -> dict[str, Any]:
        """The editable members of a customer as they stand: what a patch applies to."""
        platform = spec.platform
        return {
            "details": spec.details.model_dump(mode="json"),
            "dialing_privileges": platform.dialing_privileges,
            "key_template_id": platform.key_template_id,
            "welcome_mail_template_id": platform.welcome_mail_template_id,
            "confirm_billing_changes": platform.confirm_billing_changes,
            "time_zone": spec.time_zone.model_dump(mode="json"),
            "service_bundles": [b.model_dump(mode="json") for b in spec.service_bundles],
            "hotdesk_devices": list(spec.hotdesk_devices),
            "cpn_substitutions": [c.model_dump(mode="json") for c in spec.cpn_substitutions],
            "emergency": spec.emergency.model_dump(mode="json"),
            "key_templates": list(spec.key_templates),
        }


# The catalogue and the other requests.


class BundleBody(Strict):
    """A bundle of the SP's catalogue (R8: at most 3 phone types, at most 4 phones a user)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Standard IPT",
                    "service_type": "Standard IPT",
                    "phone_types": ["6920", "6930"],
                    "phones_per_user": 1,
                    "licence_tier": "standard",
                }
            ]
        }
    )

    name: str = Field(min_length=1, max_length=TEXT)
    service_type: Literal[SERVICE_TYPES]  # type: ignore[valid-type]
    phone_types: list[Short] = Field(default=[], max_length=20)
    phones_per_user: int = Field(default=1, ge=0, le=100)
    licence_tier: Short = "standard"


class BillingConfirmation(Strict):
    """R27: the customer's answer to the edit waiting for it (the edit's task)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"task_id": examples.TASK_ID, "accept": True}]})

    task_id: str = Field(min_length=1, max_length=TEXT)
    accept: bool


class MaintenanceCommand(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"command": f"convertCustomerToDemoMode {_CANONICAL['data']['details']['webid']}"}]
        }
    )

    command: str = Field(max_length=TEXT)
