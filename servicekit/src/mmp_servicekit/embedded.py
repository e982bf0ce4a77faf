"""Keeps the embedded fake of MongoDB fast as it fills.

mongomock answers every query by scanning every document of the collection, so a service's writes (always
by `_id`) got slower with each customer it held. MongoDB answers them from its `_id` index; this gives the
fake the same shortcut: a filter with an `_id` value reads that one document, then applies the rest of the
filter to it. The set of documents matched is the same, as `_id` is unique.
"""

from collections.abc import Iterator
from typing import Any

from mongomock.collection import Collection
from mongomock.filtering import filter_applies

_SCAN = Collection._iter_documents


def _by_id_first(self: Any, filter: Any) -> Iterator[Any]:
    key = filter.get("_id") if isinstance(filter, dict) else None
    if isinstance(key, str):
        try:
            document = self._store[key]
        except KeyError:
            return iter(())
        return iter([document] if filter_applies(filter, document) else [])  # type: ignore[no-untyped-call]
    return _SCAN(self, filter)  # type: ignore[no-any-return,no-untyped-call]


def look_up_by_id() -> None:
    Collection._iter_documents = _by_id_first  # type: ignore[method-assign]
