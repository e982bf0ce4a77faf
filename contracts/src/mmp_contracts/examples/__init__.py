"""The canonical messages: what BSS integrators are shown, what the docs and the tests start from.

`create_customer()` is the canonical CreateCustomer command; `of(SomeMessage)` is an example of any message
of the catalogue, built from the same customer, so every example in the docs tells one story.
"""

import json
from importlib import resources
from typing import Any, TypeVar

from mmp_contracts.base import Message, Violation
from mmp_contracts.customer_spec import BillingChange, BundleUsage, CustomerChanges, CustomerDetails
from mmp_contracts.tasks import TaskKind

M = TypeVar("M", bound=Message)

CUSTOMER_ID = "0b7e4c8a-5f2d-5a1e-9c3b-6d8e2f1a4b70"
TASK_ID = "6f1c2a34-8b7e-4d2a-9c51-2e0b7f4a9d10"


def create_customer() -> dict[str, Any]:
    """A fresh copy of the canonical CreateCustomer command: a whole CloudEvents envelope."""
    text = resources.files(__package__).joinpath("create-customer.json").read_text(encoding="utf-8")
    command: dict[str, Any] = json.loads(text)
    return command


def of(message_type: type[M]) -> M:
    """An example of the message, about the canonical customer."""
    values = _values()
    if message_type.__name__.startswith("PlatformGroup"):
        values["name"] = "Ottawa 1"
    return message_type.model_validate({name: values[name] for name in message_type.model_fields if name in values})


def _values() -> dict[str, Any]:
    data = create_customer()["data"]
    spec = dict(data)
    renamed = CustomerDetails.model_validate(data["details"] | {"name": "Harbour Dental & Co"})
    return {
        **data,
        "customer_id": CUSTOMER_ID,
        "task_id": TASK_ID,
        "webid": data["details"]["webid"],
        "name": data["details"]["name"],
        "welcome_mail_template_id": data["platform"]["welcome_mail_template_id"],
        "contact_email": data["details"]["contact_email"],
        "spec": spec,
        "before": spec,
        "after": spec | {"details": renamed.model_dump()},
        "changes": CustomerChanges(details=renamed),
        "did_range": data["did_ranges"][0],
        "platform_group_id": data["platform"]["platform_group_id"],
        "blueprint_id": "bp-mivb-standard",
        "mivb_version": "10.1",
        "micollab_version": "9.8",
        "mbg_ids": ["mbg-ottawa-1"],
        "micollab": {
            "url": "https://micollab.ottawa-1.example",
            "version": "9.8",
            "rest_api_scripts": True,
            "mivb_version": "10.1",
        },
        "reachable": {"mivb": True, "micollab": True, "mbg-ottawa-1": True},
        "url": "https://pm.example",
        "status": "OK",
        "kind": TaskKind.CREATE,
        "accept": True,
        "reason": "MiCollab https://micollab.ottawa-1.example: HTTP 503 on PUT /api/tenants/harbour-dental",
        "residue": ["MiVB https://mivb.ottawa-1.example: tenant harbour-dental"],
        "violations": [Violation(field="details.webid", rule="R6", message="WebID 'harbour-dental' is taken")],
        "bundles": [bundle["bundle_id"] for bundle in data["service_bundles"]],
        "usage": [BundleUsage(bundle_id="standard-ipt", allocated=20, used=1)],
        "billing_changes": [BillingChange(bundle_id="standard-ipt", before=20, after=25, notify=True)],
        "recipient": data["first_user"]["email"],
        "template_id": "welcome-default",
        "link_expires_at": "2026-11-29T09:30:00+00:00",
        "portal_url": "https://portal.mmp.example/harbour-dental",
        "send_welcome_mail": True,
        "rest_api_scripts": True,
        "voicemail_hunt_group": True,
    }
