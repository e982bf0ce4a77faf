"""Where a service keeps its state: the store port and its two adapters, picked by one URL.

`sqlite:///var/lib/mmp/customer.db` (everything after `sqlite://` is the file's path) is the embedded
default; `mongodb://...` is MongoDB, where each service uses a database of its own name.
"""

from pathlib import Path

from mmp_servicekit.store.port import (
    Collection,
    Document,
    DuplicateKey,
    Index,
    Scalar,
    Store,
    StoreNotConfigured,
)

__all__ = [
    "Collection",
    "Document",
    "DuplicateKey",
    "Index",
    "Scalar",
    "Store",
    "StoreNotConfigured",
    "open_store",
]


def open_store(url: str | None, database: str) -> Store:
    """The adapter the URL names; nothing is connected until `open`."""
    if not url:
        raise StoreNotConfigured(
            "MMP_STORE_URL is not set: give the service a database, e.g. sqlite:///var/lib/mmp/"
            f"{database}.db (embedded) or mongodb://host:27017 (MongoDB). There is no in-memory store."
        )
    if url.startswith("sqlite://"):
        from mmp_servicekit.store.sqlite import SqliteStore

        path = url.removeprefix("sqlite://")
        if not path or path == ":memory:":
            raise StoreNotConfigured(f"{url!r} names no file: the embedded store keeps its data in one")
        return SqliteStore(Path(path))
    if url.startswith(("mongodb://", "mongodb+srv://")):
        from mmp_servicekit.store.mongo import MongoStore

        return MongoStore(url, database)
    raise StoreNotConfigured(f"MMP_STORE_URL must start with sqlite:// or mongodb://, not {url.split(':')[0]!r}")
