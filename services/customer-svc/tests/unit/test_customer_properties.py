"""Properties of the customer's state machine, pure (no I/O): random sequences of commands and participants'
reports, repeated, reordered across topics and late, with deadlines passing and the SP failing tasks, applied to
several `Customer` aggregates as the handlers apply them (requests through `take`, the waiting ones resumed or
refused, R25). Whatever the sequence:

- two live customers never hold one WebID (the store's unique `live_webid`, modelled here, refuses the second
  create; no transition may make a customer that let its WebID go live again);
- a saga never moves backwards: every change of status is one the lifecycle allows;
- no task is left open once its saga ended: an open task is the one a wait under way is for, or a request
  queued behind an open task; and every wait has its deadline, so once all deadlines pass nothing waits.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from customer_svc.domain.catalogue import Bundle
from customer_svc.domain.customer import Customer, Events
from customer_svc.domain.deadlines import Deadlines
from customer_svc.domain.record import Status
from customer_svc.domain.refusal import Refused
from customer_svc.domain.rules import webid_taken
from customer_svc.domain.tasks import TaskStatus
from customer_svc.domain.waiting import QueuedRequest
from mmp_contracts import events as ev
from mmp_contracts import examples
from mmp_contracts.commands import CreateCustomer
from mmp_contracts.customer_spec import CustomerChanges, DidRange
from mmp_contracts.tasks import TaskKind

pytestmark = pytest.mark.unit

START = datetime(2026, 11, 26, tzinfo=UTC)
DEADLINES = Deadlines()
CATALOGUE = {
    "standard-ipt": Bundle("standard-ipt", "Standard IPT", "Standard IPT", ("6920", "6930"), 1),
    "entry-ucc": Bundle("entry-ucc", "Entry UCC", "Entry UCC", ("6930",), 1),
}
GROUPS = {"pg-ottawa-1"}
S = Status
MOVES = {
    S.PROVISIONING: {S.ACTIVE, S.ROLLING_BACK, S.FAILED, S.ROLLBACK_FAILED},
    S.ROLLING_BACK: {S.FAILED, S.ROLLBACK_FAILED},
    S.ROLLBACK_FAILED: {S.ROLLING_BACK, S.DELETING},
    S.ACTIVE: {S.UPDATING, S.AWAITING_CONFIRMATION, S.DELETING, S.DELETED},
    S.AWAITING_CONFIRMATION: {S.UPDATING, S.ACTIVE},
    S.UPDATING: {S.ACTIVE},
    S.DELETING: {S.DELETED, S.DELETION_FAILED},
    S.DELETION_FAILED: {S.DELETING},
    S.FAILED: {S.DELETED},
    S.REJECTED: {S.DELETED},
    S.DELETED: set(),
}
"""The lifecycle's moves: anything else is a saga moving backwards (a FAILED customer activated by a late report,
an edit applied after it was put back...)."""
RANGES = [DidRange(start="6135925000", end="6135925009"), DidRange(start="6135925005", end="6135925019")]
EDITS = [
    CustomerChanges(hotdesk_devices=["6920"]),
    CustomerChanges.model_validate({"service_bundles": [{"bundle_id": "standard-ipt", "quantity": 21}]}),
]
DELAYS = [1, 60, 300, 601, 8 * 24 * 3600]
"""Seconds: below every deadline, between, past the 600 s ones, past the week a confirmation may take."""

residues = st.lists(st.sampled_from(["MiVB tenant", "MiCollab tenant"]), max_size=1)


class CustomerLifecycle(RuleBasedStateMachine):
    @initialize()
    def start(self) -> None:
        self.now = START
        self.customers: list[Customer] = []
        self.requests = 0

    # commands

    @rule(webid=st.sampled_from(["alpha-dental", "beta-dental"]), confirm=st.booleans(), fast=st.booleans())
    def create(self, webid: str, confirm: bool, fast: bool = False) -> None:
        """`fast`: its saga ends before anything else happens, so that edits and the rest get to run."""
        data = examples.create_customer()["data"]
        data["details"]["webid"], data["platform"]["confirm_billing_changes"] = webid, confirm
        spec = CreateCustomer.model_validate(data).spec()
        customer_id, task_id = f"c-{len(self.customers)}", self._task_id()
        if any(c.webid == webid and c.record.status.holds_webid for c in self.customers):  # the unique live_webid
            customer, _ = Customer.reject(customer_id, task_id, spec, [webid_taken(webid)], self.now)
        else:
            customer, _ = Customer.request(customer_id, task_id, spec, CATALOGUE, self.now)
        self.customers.append(customer)
        if fast:
            self._apply(customer, partial(customer.micollab_provisioned, [], "https://portal", self.now))

    @rule(data=st.data(), changes=st.sampled_from(EDITS))
    def update(self, data: st.DataObject, changes: CustomerChanges) -> None:
        customer = self._pick(data)
        self._take(customer, TaskKind.UPDATE, changes=changes)

    @rule(data=st.data(), accept=st.booleans())
    def confirm(self, data: st.DataObject, accept: bool) -> None:
        customer = self._pick(data)
        waiting_edit = [customer.edit.task_id] * 4 if customer.edit else []
        edit = data.draw(st.sampled_from([*waiting_edit, *self._known_tasks(customer)]))
        self._take(customer, TaskKind.CONFIRM_BILLING_CHANGE, confirming=(edit, accept))

    @rule(data=st.data(), kind=st.sampled_from(TaskKind), did_range=st.sampled_from(RANGES))
    def request(self, data: st.DataObject, kind: TaskKind, did_range: DidRange) -> None:
        if kind not in (TaskKind.CREATE, TaskKind.UPDATE, TaskKind.CONFIRM_BILLING_CHANGE):
            self._take(self._pick(data), kind, did_range=did_range)

    # participants' reports: any of them, about any task the customer ever had, again and late

    @rule(data=st.data(), residue=residues)
    def create_reported(self, data: st.DataObject, residue: list[str]) -> None:
        customer = self._pick(data)
        report = data.draw(st.sampled_from(["assigned", "assignment failed", "provisioned", "micollab failed"]))
        if report == "assigned":
            self._apply(customer, lambda: customer.platform_assigned("pg-ottawa-1", self.now))
        elif report == "assignment failed":
            failure = ev.PlatformAssignmentFailed(customer_id=customer.customer_id, reason="MiVB down", residue=residue)
            self._apply(customer, lambda: customer.platform_assignment_failed(failure, self.now))
        elif report == "provisioned":
            self._apply(customer, lambda: customer.micollab_provisioned([], "https://portal", self.now))
        else:
            failed = ev.MiCollabProvisioningFailed(customer_id=customer.customer_id, reason="down", residue=residue)
            self._apply(customer, lambda: customer.micollab_failed(failed, self.now))

    @rule(data=st.data(), part=st.sampled_from(["platform", "micollab"]), residue=residues)
    def undo_reported(self, data: st.DataObject, part: str, residue: list[str]) -> None:
        customer = self._pick(data)
        self._apply(customer, lambda: customer.undo_reported(part, residue, "reported", self.now))

    @rule(data=st.data(), report=st.sampled_from(["applied", "refused", "micollab refused", "reverted"]))
    def edit_reported(self, data: st.DataObject, report: str) -> None:
        customer = self._pick(data)
        task_id = data.draw(st.sampled_from(self._known_tasks(customer)))
        if report == "applied":
            self._apply(customer, lambda: customer.update_applied(task_id, self.now))
        elif report == "reverted":
            self._apply(customer, lambda: customer.update_reverted(task_id, [], self.now))
        else:
            undone = report == "refused"
            self._apply(customer, lambda: customer.update_step_failed(task_id, "no", [], self.now, undone=undone))

    @rule(data=st.data(), failure=st.sampled_from([None, "MiVB 409"]))
    def did_reported(self, data: st.DataObject, failure: str | None) -> None:
        customer = self._pick(data)
        task_id = data.draw(st.sampled_from(self._known_tasks(customer)))
        self._apply(customer, lambda: customer.did_change_done(task_id, self.now, failure))

    # time, and the SP

    @rule(seconds=st.sampled_from(DELAYS))
    def time_passes(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)
        self._pass_deadlines()

    @rule(data=st.data())
    def sp_fails_a_task(self, data: st.DataObject) -> None:
        customer = self._pick(data)
        task_id = data.draw(st.sampled_from(self._known_tasks(customer)))
        self._apply(customer, lambda: customer.fail_task(task_id, self.now))

    def teardown(self) -> None:
        """Liveness: with no participant answering any more, every customer's work ends once its deadlines pass."""
        for _ in range(20):
            if not any(c.waits() for c in self.customers):
                break
            self.now += timedelta(seconds=DEADLINES.longest + 1)
            self._pass_deadlines()
        assert [c.customer_id for c in self.customers if c.waits()] == []
        assert [t for c in self.customers for t in c.tasks if t.status is TaskStatus.PENDING] == []

    # what must hold after every step

    @invariant()
    def two_live_customers_never_hold_one_webid(self) -> None:
        live = [c.webid for c in getattr(self, "customers", []) if c.record.status.holds_webid]
        assert len(live) == len(set(live))

    @invariant()
    def an_open_task_is_one_work_under_way_is_for_or_one_queued_behind_an_open_task(self) -> None:
        for customer in getattr(self, "customers", []):
            open_tasks = {t.task_id for t in customer.tasks if t.status is TaskStatus.PENDING}
            under_way = {w.task_id for w in customer.waits()}
            queued = {q.task_id: q.waiting_for for q in customer.waiting.queued}
            assert open_tasks == under_way | set(queued), customer.record.status
            assert set(queued.values()) <= open_tasks
            assert all(customer.next_due(DEADLINES) is not None for _ in under_way)

    # how the handlers apply them

    def _apply(self, customer: Customer, transition: Callable[[], Events | None]) -> None:
        before = customer.record.status
        transition()
        assert customer.record.status in {before, *MOVES[before]}, f"{before} -> {customer.record.status}"
        event(f"{before} -> {customer.record.status}")
        self._resume(customer)

    def _take(
        self,
        customer: Customer,
        kind: TaskKind,
        *,
        changes: CustomerChanges | None = None,
        did_range: DidRange | None = None,
        confirming: tuple[str, bool] | None = None,
        task_id: str | None = None,
    ) -> None:
        task_id = task_id or self._task_id()

        def act() -> Events:
            match kind:
                case TaskKind.UPDATE if changes is not None:
                    return customer.request_update(task_id, changes, CATALOGUE, GROUPS, self.now)
                case TaskKind.CONFIRM_BILLING_CHANGE if confirming is not None:
                    return customer.confirm_billing_change(task_id, *confirming, self.now)
                case TaskKind.ADD_DID_RANGE | TaskKind.REMOVE_DID_RANGE if did_range is not None:
                    return customer.request_did_change(task_id, kind, did_range, [], self.now)
                case TaskKind.DELETE:
                    return customer.request_deletion(task_id, self.now)
                case TaskKind.CONVERT_TO_DEMO:
                    return customer.convert_to_demo(task_id, self.now)
                case TaskKind.RETRY_ROLLBACK:
                    return customer.retry_rollback(task_id, self.now)
            raise Refused(f"{kind} is not modelled")

        self._apply(customer, lambda: customer.take(task_id, kind, self.now, act, changes=changes, did_range=did_range))

    def _resume(self, customer: Customer) -> None:
        """R25, as the handlers' follow-up: a request whose task completed runs; one whose task failed is refused."""
        for queued, awaited in customer.ready_to_resume():
            if awaited.status is TaskStatus.COMPLETED:
                self._run_queued(customer, queued)
            else:
                self._apply(customer, partial(customer.give_up, queued, awaited, self.now))

    def _run_queued(self, customer: Customer, queued: QueuedRequest) -> None:
        self._take(customer, queued.kind, changes=queued.changes, did_range=queued.did_range, task_id=queued.task_id)

    def _pass_deadlines(self) -> None:
        """As the deadline job: every wait past its deadline, one by one."""
        for customer in self.customers:
            for waiting in customer.overdue(DEADLINES, self.now):
                self._apply(customer, partial(customer.pass_deadline, waiting.task_id, DEADLINES, self.now))

    def _pick(self, data: st.DataObject) -> Customer:
        if not self.customers:
            self.create("alpha-dental", confirm=False)
        return data.draw(st.sampled_from(self.customers))

    def _known_tasks(self, customer: Customer) -> list[str]:
        """Every task it had, and the ids an undo's reports carry: reports may be about any of them."""
        ids = [t.task_id for t in customer.tasks]
        return [*ids, *(f"{i}/put-back" for i in ids), *(f"{i}/undo" for i in ids)]

    def _task_id(self) -> str:
        self.requests += 1
        return f"t-{self.requests}"


CustomerLifecycle.TestCase.settings = settings(
    max_examples=200, stateful_step_count=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_customer_lifecycle = CustomerLifecycle.TestCase
