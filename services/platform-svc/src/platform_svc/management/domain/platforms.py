"""What a platform says about itself, and what the MiVB must have (R4): shared by both contexts."""

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from mmp_contracts import Violation

MIVB = "MiVoice Business"
MICOLLAB = "MiCollab"
MBG = "MiVoice Border Gateway"


@dataclass(frozen=True)
class SystemInfo:
    """What a platform says about itself on GET /api/system."""

    product: str
    version: str
    rest_api_scripts: bool | None = None


@dataclass(frozen=True)
class Unreachable:
    reason: str


Probe = SystemInfo | Unreachable


@dataclass(frozen=True)
class HuntGroup:
    number: str
    name: str
    kind: str
    """The MiVB's hunt group type (`voicemail`, `circular`, ...)."""


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def has_voicemail_hunt_group(hunt_groups: list[HuntGroup]) -> bool:
    return any(group.kind.lower() == "voicemail" for group in hunt_groups)


def check_r4_voicemail_hunt_group(field: str, mivb_url: str, hunt_groups: list[HuntGroup]) -> Violation | None:
    if has_voicemail_hunt_group(hunt_groups):
        return None
    message = f"the MiVB at {mivb_url} has no voicemail hunt group; create it before adding customers"
    return Violation(field=field, rule="R4", message=message)
