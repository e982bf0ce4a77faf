"""The production adapter: MongoDB (or any server of its wire protocol) through PyMongo's async API.

One database per service on the server the URL names. Documents are stored as they are given; indexes are
made by `open`. Only what MongoDB 7 and FerretDB 1.24 both support is used: single-document writes guarded
by a filter on `version`, unique and multikey indexes, equality filters.

FerretDB 1.24 checks a write's filter apart from the write itself, so two writers of one version could both
succeed there (MongoDB makes the pair atomic). Guarded writes to one document are therefore taken one at a
time within the process; across processes only MongoDB keeps the guard exact.
"""

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient
from pymongo.errors import DuplicateKeyError, OperationFailure

from mmp_servicekit.store.port import (
    Document,
    DuplicateKey,
    Index,
    Scalar,
    check_lookup,
    check_unique_values,
)


class MongoStore:
    def __init__(self, url: str, database: str) -> None:
        self.url = url
        self.database_name = database
        self.collections: dict[str, MongoCollection] = {}
        self._client: AsyncMongoClient[Document] | None = None

    def collection(self, name: str, indexes: Sequence[Index] = ()) -> "MongoCollection":
        collection = self.collections.get(name) or MongoCollection(self, name, indexes)
        self.collections[name] = collection
        return collection

    def handle(self, name: str) -> Any:
        if self._client is None:
            raise RuntimeError(f"the store {self.database_name} is not open")
        return self._client[self.database_name][name]

    async def open(self) -> None:
        self._client = AsyncMongoClient(self.url, serverSelectionTimeoutMS=10_000)
        for collection in self.collections.values():
            await collection.create_indexes()

    async def ping(self) -> None:
        if self._client is None:
            raise RuntimeError("not open")
        await self._client[self.database_name].command("ping")

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None


class MongoCollection:
    def __init__(self, store: MongoStore, name: str, indexes: Sequence[Index]) -> None:
        self.store = store
        self.name = name
        self.indexes = tuple(indexes)
        self._writing: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def _one_writer(self, doc_id: str) -> AsyncIterator[None]:
        lock, users = self._writing.get(doc_id, (asyncio.Lock(), 0))
        self._writing[doc_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._writing[doc_id]
            if users == 1:
                del self._writing[doc_id]
            else:
                self._writing[doc_id] = (lock, users - 1)

    @property
    def _handle(self) -> Any:
        return self.store.handle(self.name)

    async def create_indexes(self) -> None:
        for index in self.indexes:
            await self._handle.create_index([(field, ASCENDING) for field in index.fields], unique=index.unique)

    async def get(self, doc_id: str) -> Document | None:
        found: Document | None = await self._handle.find_one({"_id": doc_id})
        return found

    async def find(
        self,
        where: Mapping[str, Scalar] | None = None,
        *,
        order_by: str = "_id",
        descending: bool = False,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[Document]:
        check_lookup(self.name, self.indexes, [*(where or {}), order_by])
        order = [(order_by, DESCENDING if descending else ASCENDING)]
        if order_by != "_id":
            order.append(("_id", ASCENDING))
        cursor = self._handle.find(dict(where or {})).sort(order).skip(offset)
        if limit is not None:
            cursor = cursor.limit(limit)
        return [doc async for doc in cursor]

    async def count(self, where: Mapping[str, Scalar] | None = None) -> int:
        check_lookup(self.name, self.indexes, list(where or {}))
        return int(await self._handle.count_documents(dict(where or {})))

    async def insert(self, doc: Document) -> None:
        check_unique_values(self.name, self.indexes, doc)
        try:
            await self._handle.insert_one(dict(doc))
        except DuplicateKeyError as error:
            if await self.get(doc["_id"]) is not None:
                raise DuplicateKey(self.name, "_id") from error  # the id first, whatever else also clashed
            raise DuplicateKey(self.name, await self._field_of(error, doc)) from error

    async def replace(self, doc: Document, *, version: int) -> bool:
        check_unique_values(self.name, self.indexes, doc)
        try:
            async with self._one_writer(doc["_id"]):
                result = await self._handle.replace_one({"_id": doc["_id"], "version": version}, doc)
        except OperationFailure as error:
            if not _duplicate(error):
                raise
            raise DuplicateKey(self.name, await self._field_of(error, doc)) from error
        return bool(result.matched_count == 1)

    async def put(self, doc: Document) -> None:
        check_unique_values(self.name, self.indexes, doc)
        try:
            async with self._one_writer(doc["_id"]):
                await self._handle.replace_one({"_id": doc["_id"]}, doc, upsert=True)
        except OperationFailure as error:
            if not _duplicate(error):
                raise
            raise DuplicateKey(self.name, await self._field_of(error, doc)) from error

    async def delete(self, doc_id: str, *, version: int | None = None) -> bool:
        guard: dict[str, Any] = {"_id": doc_id} if version is None else {"_id": doc_id, "version": version}
        async with self._one_writer(doc_id):
            return bool((await self._handle.delete_one(guard)).deleted_count == 1)

    async def _field_of(self, error: OperationFailure, doc: Document) -> str:
        """MongoDB names the index in `keyPattern`; FerretDB does not, so another holder is looked for."""
        pattern = (error.details or {}).get("keyPattern")
        if pattern:
            return str(next(iter(pattern)))
        for index in self.indexes:
            held = {field: doc.get(field) for field in index.fields} | {"_id": {"$ne": doc["_id"]}}
            if index.unique and await self._handle.find_one(held, {"_id": 1}):
                return index.fields[0]
        return "_id"


def _duplicate(error: OperationFailure) -> bool:
    # FerretDB 1.24 answers a unique violation by a replace with InternalError, not 11000
    return isinstance(error, DuplicateKeyError) or "UNIQUE constraint failed" in str(error)
