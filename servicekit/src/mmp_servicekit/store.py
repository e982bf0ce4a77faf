"""The database: a real MongoDB through PyMongo's AsyncMongoClient, or the embedded in-memory fake.

Store code keeps to the API subset both support: no sessions, no array_filters, no bulk_write.
"""

import inspect
from pathlib import Path
from typing import Any

from pymongo.errors import DuplicateKeyError

__all__ = ["Database", "DuplicateKeyError", "close_database", "open_database", "ping"]

Database = Any
"""pymongo's AsyncDatabase or mongomock-motor's stand-in: both answer the same awaited calls."""


def open_database(mongo_url: str | None, name: str, store_dir: Path | None = None) -> Database:
    if mongo_url:
        from pymongo import AsyncMongoClient

        return AsyncMongoClient(mongo_url, tz_aware=True)[name]
    from mmp_servicekit.embedded import look_up_by_id

    look_up_by_id()
    if store_dir:
        from mmp_servicekit.journal import open_journaled

        return open_journaled(store_dir, name)
    from mongomock_motor import AsyncMongoMockClient

    return AsyncMongoMockClient(tz_aware=True)[name]


async def ping(database: Database) -> None:
    await database.list_collection_names()


async def close_database(database: Database) -> None:
    result = database.client.close()
    if inspect.isawaitable(result):  # awaited on PyMongo, synchronous on mongomock-motor
        await result
