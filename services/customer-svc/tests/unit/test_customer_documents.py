"""A customer's document holds JSON only and gives back the same customer, whatever state its parts are in."""

from datetime import UTC, datetime

import orjson
import pytest

from customer_svc.adapters.store import CustomerMapper
from customer_svc.domain.catalogue import Bundle
from customer_svc.domain.customer import Customer
from mmp_contracts import Violation, examples
from mmp_contracts import events as ev
from mmp_contracts.commands import CreateCustomer
from mmp_contracts.customer_spec import CustomerChanges, DidRange
from mmp_contracts.tasks import TaskKind

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
CATALOGUE = {
    "standard-ipt": Bundle("standard-ipt", "Standard IPT", "Standard IPT", ("6920", "6930"), 1),
    "entry-ucc": Bundle("entry-ucc", "Entry UCC", "Entry UCC", ("6930",), 1),
}


def round_trip(customer: Customer) -> Customer:
    mapper = CustomerMapper()
    stored = orjson.loads(orjson.dumps(mapper.to_document(customer)))
    return mapper.from_document(stored)


def busy_customer() -> Customer:
    spec = CreateCustomer.model_validate(examples.create_customer()["data"]).spec()
    customer, _ = Customer.request("c-1", "t-create", spec, CATALOGUE, NOW)
    customer.undo_reported("platform", ["MiVB tenant c-1"], "early", NOW)
    customer.take(
        "t-add",
        TaskKind.ADD_DID_RANGE,
        NOW,
        lambda: [],
        did_range=DidRange(start="6135925000", end="6135925009"),
    )
    customer.micollab_provisioned(["standard-ipt"], "https://portal", NOW)
    more = CustomerChanges(hotdesk_devices=["6920"])
    customer.request_update("t-edit", more, CATALOGUE, {"pg-ottawa-1"}, NOW)
    customer.take("t-edit-2", TaskKind.UPDATE, NOW, lambda: [], changes=CustomerChanges(key_templates=["k"]))
    customer.request_did_change(
        "t-did", TaskKind.ADD_DID_RANGE, DidRange(start="6135926000", end="6135926009"), [], NOW
    )
    customer.update_step_failed(
        "t-edit", "MiCollab down", [Violation(field="f", rule="R16", message="m")], NOW, undone=False
    )
    customer.welcome_mail_reported("sent", NOW)
    return customer


def test_a_customer_in_the_middle_of_everything_is_stored_as_json_and_read_back_the_same() -> None:
    customer = busy_customer()
    assert [q.task_id for q in customer.waiting.queued] == ["t-add", "t-edit-2"]
    assert customer.edit is not None
    assert customer.dids.operations
    assert customer.undo.early
    assert round_trip(customer) == customer


def test_a_rejected_customer_is_read_back_the_same() -> None:
    spec = CreateCustomer.model_validate(examples.create_customer()["data"]).spec()
    violations = [Violation(field="details.webid", rule="R6", message="taken", conflict=True)]
    customer, emitted = Customer.reject("c-2", "t-1", spec, violations, NOW)
    assert [type(e) for e in emitted] == [ev.CustomerRejected, ev.TaskFailed]
    assert round_trip(customer) == customer


def test_r6_only_a_live_customer_holds_its_webid_in_the_unique_field() -> None:
    customer = busy_customer()
    assert CustomerMapper().to_document(customer)["live_webid"] == "harbour-dental"
    spec = CreateCustomer.model_validate(examples.create_customer()["data"]).spec()
    rejected, _ = Customer.reject("c-2", "t-1", spec, [Violation(field="x", rule="R6", message="m")], NOW)
    assert CustomerMapper().to_document(rejected)["live_webid"] == "released:c-2"
