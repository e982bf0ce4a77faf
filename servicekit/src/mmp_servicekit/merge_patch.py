"""JSON Merge Patch (RFC 7396): `application/merge-patch+json`, the body of a PATCH that changes what it names."""

from typing import Any

MEDIA_TYPE = "application/merge-patch+json"


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 section 2: an object is merged member by member, `null` removes the member, anything else
    (a list, a string, a number) replaces the target whole. Neither argument is changed."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = merge_patch(merged.get(name), value)
    return merged
