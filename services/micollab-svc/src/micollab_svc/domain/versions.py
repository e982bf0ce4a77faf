"""Platform versions compared number by number: 9.10 is newer than 9.9, and 9.2 equals 9.2.0.0."""

import re

Version = tuple[int, ...]

_DOTTED = re.compile(r"^\s*[vV]?(\d+(?:\.\d+)*)")


class InvalidVersion(ValueError):
    pass


def parse_version(text: str) -> Version:
    """The leading dotted numbers of a version string ("9.8.0.14 SP1" -> (9, 8, 0, 14)).

    Trailing zeros are dropped so that plain tuple ordering compares versions of different lengths
    correctly: (9, 4) < (9, 4, 0, 9) and "9.2" == "9.2.0.0".
    """
    match = _DOTTED.match(text)
    if match is None:
        raise InvalidVersion(f"{text!r} is not a dotted version number")
    parts = [int(part) for part in match[1].split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def at_least(version: str, minimum: str) -> bool:
    """False for an unreadable version: a gate never opens on a version it cannot read."""
    try:
        return parse_version(version) >= parse_version(minimum)
    except InvalidVersion:
        return False


def newer_than(version: str, baseline: str) -> bool:
    try:
        return parse_version(version) > parse_version(baseline)
    except InvalidVersion:
        return False
