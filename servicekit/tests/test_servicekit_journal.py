"""The embedded store's journal: a restarted service finds what it had written."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from mmp_servicekit.store import DuplicateKeyError, open_database

pytestmark = pytest.mark.unit


async def test_a_reopened_store_has_every_write_and_index(tmp_path: Path) -> None:
    first = open_database(None, "svc", tmp_path)
    things = first["things"]
    await things.create_index("webid", unique=True, sparse=True)
    when = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    await things.insert_one({"_id": "a", "webid": "w", "n": 1, "at": when, "outbox": [{"id": "e1"}]})
    await things.insert_one({"_id": "b", "n": 1})
    await things.update_one({"_id": "a"}, {"$inc": {"n": 1}, "$push": {"applied": {"$each": ["m"], "$slice": -2}}})
    await things.update_one({"_id": "a"}, {"$pull": {"outbox": {"id": {"$in": ["e1"]}}}})
    await things.update_one({"_id": "nobody"}, {"$set": {"n": 9}})
    await things.delete_one({"_id": "b"})
    await things.replace_one({"_id": "c"}, {"_id": "c", "n": 3}, upsert=True)

    again = open_database(None, "svc", tmp_path)["things"]
    assert await again.find_one({"_id": "a"}) == {
        "_id": "a",
        "webid": "w",
        "n": 2,
        "at": when,
        "outbox": [],
        "applied": ["m"],
    }
    assert await again.find_one({"_id": "b"}) is None
    assert (await again.find_one({"_id": "c"}))["n"] == 3


async def test_a_line_cut_short_by_a_crash_is_ignored(tmp_path: Path) -> None:
    store = open_database(None, "svc", tmp_path)["things"]
    await store.insert_one({"_id": "a"})
    with (tmp_path / "svc.jsonl").open("a") as journal:
        journal.write('{"collection": "things", "op": "insert_one", "args": [{"_id"')
    again = open_database(None, "svc", tmp_path)["things"]
    assert [doc["_id"] async for doc in again.find({})] == ["a"]


async def test_unique_indexes_still_hold_after_replay(tmp_path: Path) -> None:
    store = open_database(None, "svc", tmp_path)["things"]
    await store.create_index("webid", unique=True, sparse=True)
    await store.insert_one({"_id": "a", "webid": "w"})
    again = open_database(None, "svc", tmp_path)["things"]
    await again.create_index("webid", unique=True, sparse=True)
    with pytest.raises(DuplicateKeyError):
        await again.insert_one({"_id": "b", "webid": "w"})


async def test_a_lookup_by_id_matches_what_a_scan_would(tmp_path: Path) -> None:
    things = open_database(None, "lookups")["things"]
    await things.insert_one({"_id": "a", "version": 2})
    assert await things.find_one({"_id": "a", "version": 2}) == {"_id": "a", "version": 2}
    assert await things.find_one({"_id": "a", "version": 1}) is None
    assert await things.find_one({"_id": "b"}) is None
    assert (await things.update_one({"_id": "a", "version": 1}, {"$set": {"x": 1}})).modified_count == 0
    assert (await things.update_one({"_id": "a", "version": 2}, {"$set": {"x": 1}})).modified_count == 1


async def test_the_write_after_a_cut_line_survives_the_next_restart(tmp_path: Path) -> None:
    store = open_database(None, "svc", tmp_path)["things"]
    await store.insert_one({"_id": "a"})
    with (tmp_path / "svc.jsonl").open("a") as journal:
        journal.write('{"collection": "things", "op": "insert_one", "args": [{"_id"')
    reopened = open_database(None, "svc", tmp_path)["things"]
    await reopened.insert_one({"_id": "b"})
    again = open_database(None, "svc", tmp_path)["things"]
    assert [doc["_id"] async for doc in again.find({})] == ["a", "b"]
