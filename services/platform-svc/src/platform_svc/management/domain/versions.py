"""Mitel software versions ("10.1.0.0", "9.4.0.9") compared as numbers, never as strings."""

Version = tuple[int, ...]


def parse_version(text: str) -> Version:
    """The leading numeric parts: "9.4.0.9" -> (9, 4, 0, 9), "10.1SP2" -> (10, 1); "" -> ()."""
    parts: list[int] = []
    for part in text.strip().split("."):
        digits = _leading_digits(part)
        if not digits:
            break
        parts.append(int(digits))
        if len(digits) < len(part):
            break  # a suffix such as "SP2" ends the comparable part
    return tuple(parts)


def at_least(version: str, minimum: str) -> bool:
    """Compares padded with zeros, so "9" counts as "9.0.0.0" ("9" >= "9.0" is True)."""
    have, need = parse_version(version), parse_version(minimum)
    width = max(len(have), len(need))
    return have + (0,) * (width - len(have)) >= need + (0,) * (width - len(need))


def _leading_digits(part: str) -> str:
    digits = ""
    for char in part:
        if not (char.isascii() and char.isdigit()):
            break
        digits += char
    return digits
