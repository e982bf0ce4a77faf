"""The embedded adapter: SQLite (standard library) in WAL mode, one database file per service.

A collection is a table: the document as JSON, its version (the guard of `replace`), and a column per indexed
field, so a lookup is a B-tree search whatever the number of documents. A multi field (a list) gets a side
table of (value, id), written in the same transaction as the document.

Calls run on the event loop: an indexed single-row read or write takes tens of microseconds, less than a
hop to a thread would. `synchronous=NORMAL` in WAL mode makes every committed write survive a crash of the
process (the write is in the WAL file before the commit returns); a power cut may lose the last ones.
"""

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from mmp_servicekit.store.port import (
    Document,
    DuplicateKey,
    Index,
    Scalar,
    check_lookup,
    check_unique_values,
)

CACHE_KIB = 65_536


class SqliteStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.collections: dict[str, SqliteCollection] = {}
        self._connection: sqlite3.Connection | None = None

    def collection(self, name: str, indexes: Sequence[Index] = ()) -> "SqliteCollection":
        collection = self.collections.get(name) or SqliteCollection(self, name, indexes)
        self.collections[name] = collection
        return collection

    @property
    def connection(self) -> sqlite3.Connection:
        if self._connection is None:
            raise RuntimeError(f"the store {self.path} is not open")
        return self._connection

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA busy_timeout=5000")  # a second instance of the service shares the file
        # The default 2 MB page cache holds a few thousand customers: past that every lookup rereads its B-tree
        # pages through system calls. 64 MB keeps the indexes of 100,000 in memory, and bounds what it costs.
        connection.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        self._connection = connection
        for collection in self.collections.values():
            collection.create_schema()

    async def ping(self) -> None:
        self.connection.execute("SELECT 1").fetchone()

    async def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class SqliteCollection:
    def __init__(self, store: SqliteStore, name: str, indexes: Sequence[Index]) -> None:
        if not name.replace("_", "").isalnum():
            raise ValueError(f"a collection name is letters, digits and underscores: {name!r}")
        self.store = store
        self.name = name
        self.indexes = tuple(indexes)
        self.columns = sorted({f for index in indexes if not index.multi for f in index.fields})
        self.multi = sorted({index.fields[0] for index in indexes if index.multi})

    # schema

    def create_schema(self) -> None:
        db, table = self.store.connection, self.name
        db.execute(f'CREATE TABLE IF NOT EXISTS "{table}" (id TEXT PRIMARY KEY, version INTEGER, body BLOB NOT NULL)')
        present = {row[1] for row in db.execute(f'PRAGMA table_info("{table}")')}
        added = [field for field in self.columns if f"f_{field}" not in present]
        for field in added:
            db.execute(f'ALTER TABLE "{table}" ADD COLUMN "f_{field}"')
        for field in self.multi:
            db.execute(
                f'CREATE TABLE IF NOT EXISTS "{table}__{field}" '
                "(value NOT NULL, id TEXT NOT NULL, PRIMARY KEY (value, id)) WITHOUT ROWID"
            )
            db.execute(f'CREATE INDEX IF NOT EXISTS "{table}__{field}__id" ON "{table}__{field}" (id)')
        if added or self.multi:
            self._backfill()
        for index in self.indexes:
            if not index.multi:
                columns = ", ".join(f'"f_{field}"' for field in index.fields)
                unique = "UNIQUE " if index.unique else ""
                name = f"{table}__{'__'.join(index.fields)}"
                db.execute(f'CREATE {unique}INDEX IF NOT EXISTS "{name}" ON "{table}" ({columns})')

    def _backfill(self) -> None:
        """Fills a newly declared index from the documents already held."""
        with self._transaction() as db:
            for doc_id, body in db.execute(f'SELECT id, body FROM "{self.name}"').fetchall():
                doc = orjson.loads(body)
                if self.columns:
                    assignments = ", ".join(f'"f_{field}" = ?' for field in self.columns)
                    db.execute(
                        f'UPDATE "{self.name}" SET {assignments} WHERE id = ?', [*self._column_values(doc), doc_id]
                    )
                self._write_multi(db, doc_id, doc, replace=True)

    # reads

    async def get(self, doc_id: str) -> Document | None:
        row = self.store.connection.execute(f'SELECT body FROM "{self.name}" WHERE id = ?', (doc_id,)).fetchone()
        return orjson.loads(row[0]) if row else None

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
        clause, params = self._where(where or {})
        order = f"{self._column(order_by)} {'DESC' if descending else 'ASC'}, id"
        sql = f'SELECT body FROM "{self.name}"{clause} ORDER BY {order} LIMIT ? OFFSET ?'
        rows = self.store.connection.execute(sql, [*params, -1 if limit is None else limit, offset])
        return [orjson.loads(body) for (body,) in rows]

    async def count(self, where: Mapping[str, Scalar] | None = None) -> int:
        check_lookup(self.name, self.indexes, list(where or {}))
        clause, params = self._where(where or {})
        (found,) = self.store.connection.execute(f'SELECT count(*) FROM "{self.name}"{clause}', params).fetchone()
        return int(found)

    # writes

    async def insert(self, doc: Document) -> None:
        check_unique_values(self.name, self.indexes, doc)
        try:
            with self._transaction() as db:
                self._insert_row(db, doc)
                self._write_multi(db, doc["_id"], doc)
        except DuplicateKey as duplicate:
            if duplicate.field != "_id" and await self.get(doc["_id"]) is not None:
                raise DuplicateKey(self.name, "_id") from duplicate  # the id first, whatever else also clashed
            raise

    async def replace(self, doc: Document, *, version: int) -> bool:
        check_unique_values(self.name, self.indexes, doc)
        assignments = ", ".join(["version = ?", "body = ?", *(f'"f_{field}" = ?' for field in self.columns)])
        with self._transaction() as db:
            cursor = db.execute(
                f'UPDATE "{self.name}" SET {assignments} WHERE id = ? AND version = ?',
                [doc.get("version"), orjson.dumps(doc), *self._column_values(doc), doc["_id"], version],
            )
            if cursor.rowcount != 1:
                return False
            self._write_multi(db, doc["_id"], doc, replace=True)
        return True

    async def put(self, doc: Document) -> None:
        check_unique_values(self.name, self.indexes, doc)
        with self._transaction() as db:
            db.execute(f'DELETE FROM "{self.name}" WHERE id = ?', (doc["_id"],))
            self._insert_row(db, doc)
            self._write_multi(db, doc["_id"], doc, replace=True)

    async def delete(self, doc_id: str, *, version: int | None = None) -> bool:
        guard, params = ("", [doc_id]) if version is None else (" AND version = ?", [doc_id, version])
        with self._transaction() as db:
            if db.execute(f'DELETE FROM "{self.name}" WHERE id = ?{guard}', params).rowcount != 1:
                return False
            for field in self.multi:
                db.execute(f'DELETE FROM "{self.name}__{field}" WHERE id = ?', (doc_id,))
        return True

    # helpers

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self.store.connection
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except sqlite3.IntegrityError as error:
            db.execute("ROLLBACK")
            raise DuplicateKey(self.name, self._field_of(error)) from error
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _insert_row(self, db: sqlite3.Connection, doc: Document) -> None:
        names = ", ".join(["id", "version", "body", *(f'"f_{field}"' for field in self.columns)])
        marks = ", ".join("?" * (3 + len(self.columns)))
        db.execute(
            f'INSERT INTO "{self.name}" ({names}) VALUES ({marks})',
            [doc["_id"], doc.get("version"), orjson.dumps(doc), *self._column_values(doc)],
        )

    def _write_multi(self, db: sqlite3.Connection, doc_id: str, doc: Document, replace: bool = False) -> None:
        for field in self.multi:
            if replace:
                db.execute(f'DELETE FROM "{self.name}__{field}" WHERE id = ?', (doc_id,))
            values = doc.get(field) or []
            if not isinstance(values, list):
                raise ValueError(f"{self.name}.{field} is a multi index field: it holds a list")
            db.executemany(
                f'INSERT INTO "{self.name}__{field}" (value, id) VALUES (?, ?)',
                [(_scalar(self.name, field, value), doc_id) for value in dict.fromkeys(values)],
            )

    def _column_values(self, doc: Document) -> list[Scalar]:
        return [_scalar(self.name, field, doc.get(field)) for field in self.columns]

    def _column(self, field: str) -> str:
        return "id" if field == "_id" else f'"f_{field}"'

    def _where(self, where: Mapping[str, Scalar]) -> tuple[str, list[Any]]:
        terms, params = [], []
        for field, value in where.items():
            if field in self.multi:
                terms.append(f'id IN (SELECT id FROM "{self.name}__{field}" WHERE value = ?)')
            else:
                terms.append(f"{self._column(field)} = ?" if value is not None else f"{self._column(field)} IS ?")
            params.append(value)
        return (" WHERE " + " AND ".join(terms) if terms else ""), params

    def _field_of(self, error: sqlite3.IntegrityError) -> str:
        # "UNIQUE constraint failed: customers.f_live_webid" (or "customers.id" for the primary key)
        column = str(error).rsplit(":", 1)[-1].split(",")[0].strip().split(".")[-1]
        return "_id" if column == "id" else column.removeprefix("f_")


def _scalar(collection: str, field: str, value: Any) -> Scalar:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    raise ValueError(f"{collection}.{field} is indexed: it holds a string, a number, a boolean or null")
