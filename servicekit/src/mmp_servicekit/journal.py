"""A durable embedded store: the in-memory fake of MongoDB plus an append-only journal of its writes.

Without a MongoDB server (dev machines, CI) a service that crashes would otherwise lose everything it
knew. With `MMP_STORE_DIR` set, every successful write is appended to `<dir>/<database>.jsonl` and the
journal is replayed into a fresh in-memory store at start, so a killed and restarted service resumes
where it stopped, as it would on MongoDB.
"""

from pathlib import Path
from typing import Any

import mongomock
from bson import json_util
from bson.codec_options import DEFAULT_CODEC_OPTIONS
from mongomock_motor import AsyncMongoMockClient

WRITES = frozenset(
    {"insert_one", "insert_many", "update_one", "update_many", "replace_one", "delete_one", "delete_many"}
)
JSON_OPTIONS = json_util.JSONOptions(
    json_mode=json_util.JSONMode.CANONICAL, tz_aware=True, tzinfo=DEFAULT_CODEC_OPTIONS.tzinfo
)


def open_journaled(directory: Path, name: str) -> "JournaledDatabase":
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.jsonl"
    client: Any = mongomock.MongoClient(tz_aware=True)
    if path.exists():
        replay(client[name], path)
    database: Any = AsyncMongoMockClient(mock_mongo_client=client)[name]
    journal = path.open("a", encoding="utf-8")
    if _cut_short(path):
        journal.write("\n")  # a crash cut the last line: the next one must not be glued to it
    return JournaledDatabase(database, journal)


def _cut_short(path: Path) -> bool:
    with path.open("rb") as journal:
        journal.seek(0, 2)
        if journal.tell() == 0:
            return False
        journal.seek(-1, 2)
        return journal.read(1) != b"\n"


def replay(database: Any, path: Path) -> None:
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue  # a crash can cut the last line short; every complete line before it stands
        try:
            entry = json_util.loads(line, json_options=JSON_OPTIONS)
        except ValueError:
            continue
        getattr(database[entry["collection"]], entry["op"])(*entry["args"], **entry["kwargs"])


class JournaledDatabase:
    def __init__(self, database: Any, journal: Any) -> None:
        self._database = database
        self._journal = journal

    def __getitem__(self, name: str) -> "JournaledCollection":
        return JournaledCollection(self._database[name], self._journal)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._database, name)


class JournaledCollection:
    def __init__(self, collection: Any, journal: Any) -> None:
        self._collection = collection
        self._journal = journal

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._collection, name)
        if name not in WRITES:
            return method

        async def journaled(*args: Any, **kwargs: Any) -> Any:
            # The fake runs each call synchronously inside the event loop: no other write can come
            # between the change and its journal line, so replay repeats the same order.
            result = await method(*args, **kwargs)
            if _changed(result):
                entry = {"collection": self._collection.name, "op": name, "args": list(args), "kwargs": kwargs}
                self._journal.write(json_util.dumps(entry, json_options=JSON_OPTIONS) + "\n")
                self._journal.flush()
            return result

        return journaled


def _changed(result: Any) -> bool:
    counts = [getattr(result, field, None) for field in ("modified_count", "deleted_count", "upserted_id")]
    if all(count is None for count in counts):
        return True  # inserts raise on failure and change something otherwise
    return any(bool(count) for count in counts)
