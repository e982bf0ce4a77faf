"""The platform side of an edit (R22): carry `after` to the MiVB, or leave it (or put it back) as it was.

Each task is decided once and recorded in the assignment under its task id, with the tenant body
applied and the one before it, so a MiCollab failure later puts back exactly what this task changed.
"""

import logging
from typing import Any

from mmp_contracts import CloudEvent, Message, Violation
from mmp_contracts import events as ev
from mmp_servicekit.outbox import Cause, already_applied
from platform_svc.domain.assignment import State, held_steps, may_change, not_in_place, tenant_step
from platform_svc.domain.edit import Revert, mivb_changes, revert_after_micollab_failure
from platform_svc.domain.tasks import Outcome, TaskKind, find_task, task_record, with_task
from platform_svc.edit_checks import EditAccepted, EditChecks
from platform_svc.platforms import PlatformCallFailed, Platforms
from platform_svc.store import PlatformStore
from platform_svc.work import Rejected
from platform_svc.writes import AssignmentWriter

log = logging.getLogger(__name__)
EDIT = TaskKind.EDIT


class EditHandlers:
    def __init__(self, store: PlatformStore, platforms: Platforms, writer: AssignmentWriter) -> None:
        self.store = store
        self.platforms = platforms
        self.writer = writer
        self.checks = EditChecks(platforms, store)

    async def customer_update_requested(self, event: ev.CustomerUpdateRequested, envelope: CloudEvent) -> None:
        cause, customer_id, task_id = Cause.of(envelope), event.customer_id, event.task_id
        doc = await self.store.assignment(customer_id)
        if already_applied(doc, cause) or find_task(doc, task_id):
            return  # decided once: a repeat neither changes the MiVB nor answers again
        state = State(doc["state"]) if doc else None
        tenant = tenant_step(held_steps(doc)) if doc and may_change(state) else None
        if doc is None or tenant is None:
            await self._failed(event, doc, cause, not_in_place(customer_id, state))
            return
        checked = await self.checks.check(doc, event.before, event.after)
        if isinstance(checked, Rejected):
            await self._failed(event, doc, cause, checked.reason, checked.violations)
            return
        if not mivb_changes(event.before, event.after):
            record = task_record(task_id, EDIT, Outcome.UNCHANGED)
            await self.writer.update(doc, with_task(doc, record), cause, [_updated(event, checked)])
            return
        try:
            await self.platforms.put_mivb_tenant(tenant.url, customer_id, checked.body)
        except PlatformCallFailed as failure:
            # PUT by id of the whole tenant: putting the previous one back is safe even if nothing changed.
            reason = failure.reason + await self._put_back(tenant.url, customer_id, checked.previous)
            await self._failed(event, doc, cause, reason)
            return
        record = task_record(
            task_id, EDIT, Outcome.APPLIED, mivb_url=tenant.url, body=checked.body, previous=checked.previous
        )
        changes = {**with_task(doc, record), **_tenant_fields(checked.body)}
        await self.writer.update(doc, changes, cause, [_updated(event, checked)])

    async def micollab_update_failed(self, event: ev.MiCollabUpdateFailed, envelope: CloudEvent) -> None:
        """MiCollab is as it was before the edit; the MiVB returns there too (R22)."""
        cause, customer_id, task_id = Cause.of(envelope), event.customer_id, event.task_id
        doc = await self.store.assignment(customer_id)
        if already_applied(doc, cause):
            return
        record = find_task(doc, task_id)
        decision = revert_after_micollab_failure(record, State(doc["state"]) if doc else None)
        if decision is Revert.DECIDED:
            return
        done = {**(record or task_record(task_id, EDIT, Outcome.REVERTED)), "outcome": Outcome.REVERTED.value}
        reverted = ev.PlatformUpdateReverted(customer_id=customer_id, task_id=task_id)
        if decision is Revert.NOTHING_APPLIED or record is None or doc is None:
            await self.writer.answer(customer_id, task_id, doc, with_task(doc, done), cause, [reverted])
            return
        url, previous = record["mivb_url"], record["previous"]
        try:
            await self.platforms.put_mivb_tenant(url, customer_id, previous)
        except PlatformCallFailed as failure:
            log.error("MiVB tenant %s at %s keeps the edit of task %s: %s", customer_id, url, task_id, failure.reason)
            residue = [f"MiVB tenant {customer_id} at {url} holds the edit of task {task_id}"]
            stuck = {**record, "outcome": Outcome.REVERT_FAILED.value}
            emit = ev.PlatformUpdateRevertFailed(
                customer_id=customer_id, task_id=task_id, reason=failure.reason, residue=residue
            )
            await self.writer.update(doc, with_task(doc, stuck), cause, [emit])
            return
        await self.writer.update(doc, {**with_task(doc, done), **_tenant_fields(previous)}, cause, [reverted])

    async def _put_back(self, url: str, customer_id: str, previous: dict[str, Any]) -> str:
        try:
            await self.platforms.put_mivb_tenant(url, customer_id, previous)
        except PlatformCallFailed as failure:
            log.error("MiVB tenant %s at %s not put back after a failed edit: %s", customer_id, url, failure.reason)
            return f"; the tenant may hold part of the edit, putting it back failed: {failure.reason}"
        return ""

    async def _failed(
        self,
        event: ev.CustomerUpdateRequested,
        doc: dict[str, Any] | None,
        cause: Cause,
        reason: str,
        violations: list[Violation] | None = None,
    ) -> None:
        record = task_record(event.task_id, EDIT, Outcome.FAILED, reason=reason)
        failed = ev.PlatformUpdateFailed(
            customer_id=event.customer_id, task_id=event.task_id, reason=reason, violations=violations or []
        )
        await self.writer.answer(event.customer_id, event.task_id, doc, with_task(doc, record), cause, [failed])


def _tenant_fields(body: dict[str, Any]) -> dict[str, Any]:
    """What the MiVB tenant holds now, and so the customer's key template copies (R15)."""
    return {"mivb_body": body, "key_templates": body.get("key_templates", [])}


def _updated(event: ev.CustomerUpdateRequested, checked: EditAccepted) -> Message:
    return ev.PlatformUpdated(
        customer_id=event.customer_id,
        task_id=event.task_id,
        before=event.before,
        after=event.after,
        micollab=checked.micollab,
    )
