"""Customers held, without waiting for the saga N times: each service's own documents of a real customer,
copied into its store N times over, every id and every unique or indexed list value made new, so the stores
and their indexes hold N customers as the saga would have left them. Only the embedded store (SQLite).

What grows with the data is then what the bench measures: a store whose writes or lookups scan would slow
down; one whose every lookup is an index search would not.
"""

import copy
import uuid
from collections.abc import Sequence

from customer_svc.adapters.store import CustomerMapper
from micollab_svc.adapters.store import TenantMapper
from mmp_devstack.config import StackConfig
from mmp_servicekit.store import Document, Index, open_store
from notify_svc.adapters.store import WelcomeMailMapper
from platform_svc.provisioning.adapters.store import AssignmentMapper

PENDING = Index.on("pending")
HELD: dict[str, list[tuple[str, Sequence[Index]]]] = {
    "customer-svc": [("customers", CustomerMapper.indexes)],
    "platform-svc": [("assignments", AssignmentMapper.indexes)],
    "micollab-svc": [("tenants", TenantMapper.indexes)],
    "notify-svc": [("welcome_mails", WelcomeMailMapper.indexes)],
}


async def hold(config: StackConfig, count: int) -> None:
    """Adds `count` customers to every service's store, copies of the newest one already there."""
    if config.store != "sqlite" or config.mongo_url:
        raise ValueError("customers are copied into the embedded store only")
    for service, collections in HELD.items():
        store = open_store(config.store_url(service), service.replace("-", "_"))
        handles = [(store.collection(name, [*indexes, PENDING]), indexes) for name, indexes in collections]
        await store.open()
        try:
            for collection, indexes in handles:
                [template] = await collection.find(limit=1, order_by="_id", descending=True)
                for _ in range(count):
                    await collection.insert(copied(template, indexes))
        finally:
            await store.close()


def copied(template: Document, indexes: Sequence[Index]) -> Document:
    copy_id = uuid.uuid4().hex
    doc = copy.deepcopy(template) | {"_id": str(uuid.uuid4()), "version": 1, "outbox": [], "pending": False}
    doc |= {"applied": [], "relay": None}
    for index in indexes:
        for field in index.fields:
            value = doc.get(field)
            if index.multi and isinstance(value, list):
                doc[field] = [f"{item}~{copy_id}" for item in value]
            elif index.unique and value is not None:
                doc[field] = f"{value}~{copy_id}"
    return doc
