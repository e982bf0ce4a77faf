"""The customer documents on the embedded store: R6 holds under concurrency by a unique field."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from customer_svc.adapters.store import WEBID_HOLDER, CustomerMapper, CustomerQueries
from customer_svc.domain.customer import Customer
from mmp_contracts import events as ev
from mmp_contracts import examples
from mmp_contracts.commands import CreateCustomer
from mmp_servicekit.outbox import Cause
from mmp_servicekit.repository import Outcome, Repository
from mmp_servicekit.store import DuplicateKey, Index, Store, open_store

pytestmark = pytest.mark.component

NOW = datetime(2026, 11, 26, tzinfo=UTC)


class NoRelay:
    """Nothing here publishes: the outbox only has to be written."""

    instance = "no-relay"

    def wake(self, collection: str, doc_id: str) -> None:
        pass


@pytest.fixture
async def customers(tmp_path: Path) -> AsyncIterator[Repository[Customer]]:
    store: Store = open_store(f"sqlite://{tmp_path}/customer.db", "customer_svc")
    mapper = CustomerMapper()
    collection = store.collection("customers", [*mapper.indexes, Index.on("pending")])
    await store.open()
    yield Repository(collection, mapper, NoRelay(), source="mmp/customer-svc")
    await store.close()


def requested(customer_id: str) -> Customer:
    spec = CreateCustomer.model_validate(examples.create_customer()["data"]).spec()
    customer, _ = Customer.request(customer_id, f"t-{customer_id}", spec, {}, NOW)
    return customer


async def test_r6_two_live_customers_never_hold_one_webid_and_a_failed_one_frees_it(
    customers: Repository[Customer],
) -> None:
    assert await customers.create(requested("c-1"), Cause("t-c-1", "m-1"))
    with pytest.raises(DuplicateKey) as taken:
        await customers.create(requested("c-2"), Cause("t-c-2", "m-2"))
    assert taken.value.field == WEBID_HOLDER

    failed = ev.PlatformAssignmentFailed(customer_id="c-1", reason="R4: no hunt group")
    outcome = await customers.change("c-1", Cause("t-c-1", "m-3"), lambda c: c.platform_assignment_failed(failed, NOW))
    assert outcome is Outcome.CHANGED
    assert await customers.create(requested("c-2"), Cause("t-c-2", "m-2"))


async def test_lookups_by_webid_task_and_status(customers: Repository[Customer]) -> None:
    await customers.create(requested("c-1"), Cause("t-c-1", "m-1"))
    queries = CustomerQueries(customers)
    assert (await queries.live_with_webid("harbour-dental")).customer_id == "c-1"  # type: ignore[union-attr]
    assert (await queries.by_task("t-c-1")).customer_id == "c-1"  # type: ignore[union-attr]
    assert await queries.by_task("t-unknown") is None
    assert [c.customer_id for c in await queries.listing(webid="harbour-dental")] == ["c-1"]
    assert await queries.listing(customer_id="c-2") == []
