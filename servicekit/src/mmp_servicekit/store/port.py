"""The store port: collections of JSON documents, each read and written whole, looked up only by index.

Every service keeps its state through this port, whichever engine is behind it: SQLite in one file per
service (the embedded default) or MongoDB (production). Both adapters pass one contract suite
(`servicekit/tests/store_contract`). What the port offers is what MongoDB 7 and FerretDB 1.24 both do
well: single-document writes guarded by a version, unique and multikey indexes, equality lookups. There
are no transactions, partial indexes or update operators, so nothing here depends on them.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

Document = dict[str, Any]
"""A JSON object: str, int, float, bool, None, lists and objects only. `_id` is a str."""
Scalar = str | int | float | bool | None

FIELD = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Index:
    """A top-level field (or several) that lookups go through. A `multi` field holds a list of scalars,
    each of which finds the document. A `unique` field must hold a value in every document."""

    fields: tuple[str, ...]
    unique: bool = False
    multi: bool = False

    def __post_init__(self) -> None:
        bad = [name for name in self.fields if not FIELD.match(name)]
        if bad or not self.fields:
            raise ValueError(f"index fields must be lowercase top-level names: {self.fields}")
        if self.multi and (len(self.fields) != 1 or self.unique):
            raise ValueError("a multi index has exactly one field and is not unique")

    @classmethod
    def on(cls, *fields: str, unique: bool = False, multi: bool = False) -> "Index":
        return cls(tuple(fields), unique, multi)


class DuplicateKey(Exception):
    """An insert or replace met a document that already holds the same unique value."""

    def __init__(self, collection: str, field: str) -> None:
        super().__init__(f"{collection}: another document holds this {field}")
        self.field = field


class StoreNotConfigured(RuntimeError):
    pass


class Collection(Protocol):
    name: str

    async def get(self, doc_id: str) -> Document | None: ...

    async def insert(self, doc: Document) -> None:
        """Raises DuplicateKey (`field` "_id" when the id is taken)."""

    async def replace(self, doc: Document, *, version: int) -> bool:
        """Writes `doc` over the stored one only if that one's `version` is `version`."""
        ...

    async def put(self, doc: Document) -> None:
        """Writes `doc` whatever is stored (inserting it if absent)."""

    async def delete(self, doc_id: str, *, version: int | None = None) -> bool: ...

    async def find(
        self,
        where: Mapping[str, Scalar] | None = None,
        *,
        order_by: str = "_id",
        descending: bool = False,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[Document]:
        """Equality on indexed fields only (a multi field matches any of its values); `order_by` indexed too."""
        ...

    async def count(self, where: Mapping[str, Scalar] | None = None) -> int: ...


class Store(Protocol):
    def collection(self, name: str, indexes: Sequence[Index] = ()) -> Collection:
        """Declares a collection; its table or indexes are made by `open`."""
        ...

    async def open(self) -> None: ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


def queryable(name: str, indexes: Sequence[Index]) -> set[str]:
    return {"_id"} | {field for index in indexes for field in index.fields}


def check_lookup(collection: str, indexes: Sequence[Index], fields: Sequence[str]) -> None:
    """Every lookup goes through an index, on every adapter: a scan never creeps in unnoticed."""
    unindexed = [field for field in fields if field not in queryable(collection, indexes)]
    if unindexed:
        raise ValueError(f"{collection}: {unindexed} not indexed; declare an Index for it")


def check_unique_values(collection: str, indexes: Sequence[Index], doc: Document) -> None:
    for index in indexes:
        if index.unique and any(doc.get(field) is None for field in index.fields):
            raise ValueError(f"{collection}: unique field {index.fields} must hold a value in every document")
