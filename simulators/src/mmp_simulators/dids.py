"""DID number ranges as MiVoice Business holds them: inclusive, fixed-width digit strings."""

DidRange = tuple[str, str]


class InvalidDidRange(ValueError):
    pass


def parse_did_range(text: str) -> DidRange:
    start, separator, end = text.partition("-")
    if not (separator and _is_digits(start) and _is_digits(end)):
        raise InvalidDidRange(f"DID range {text!r} must be <start>-<end> with digit-only numbers")
    if len(start) != len(end):
        raise InvalidDidRange(f"DID range {text!r} must have start and end of equal length")
    if start > end:
        raise InvalidDidRange(f"DID range {text!r} starts after it ends")
    return start, end


def first_shared_did(first: DidRange, second: DidRange) -> str | None:
    # Numbers of different widths are different numbers ("0100" is not "100"); within one width,
    # string order is numeric order, which keeps leading zeros intact without int round trips.
    if len(first[0]) != len(second[0]):
        return None
    low, high = max(first[0], second[0]), min(first[1], second[1])
    return low if low <= high else None


def subtract_did_range(held: DidRange, removed: DidRange) -> list[DidRange]:
    """What remains of `held` once `removed` is taken out: zero, one or two ranges."""
    if first_shared_did(held, removed) is None:
        return [held]
    remaining: list[DidRange] = []
    if held[0] < removed[0]:
        remaining.append((held[0], _shift(removed[0], -1)))
    if removed[1] < held[1]:
        remaining.append((_shift(removed[1], 1), held[1]))
    return remaining


def _is_digits(text: str) -> bool:
    # isdigit() alone accepts non-ASCII digits such as "²", which are not dialable
    return text.isascii() and text.isdigit()


def _shift(number: str, delta: int) -> str:
    return str(int(number) + delta).zfill(len(number))
