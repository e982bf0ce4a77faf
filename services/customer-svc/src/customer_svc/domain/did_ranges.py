"""DID ranges as numbers (R12): splitting, overlapping, and the blocks the group-wide index keys them by."""

from dataclasses import dataclass

BLOCK = 10_000
"""Numbers per index block: an overlap check reads only the blocks a range touches, however many
ranges the platform group holds."""


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    digits: int

    @classmethod
    def of(cls, start: str, end: str) -> "Span":
        return cls(int(start), int(end), len(start))

    def text(self) -> tuple[str, str]:
        return str(self.start).zfill(self.digits), str(self.end).zfill(self.digits)

    def overlaps(self, other: "Span") -> bool:
        return self.digits == other.digits and self.start <= other.end and other.start <= self.end

    def covers(self, other: "Span") -> bool:
        return self.digits == other.digits and self.start <= other.start and other.end <= self.end

    def minus(self, other: "Span") -> list["Span"]:
        """What is left of this span once `other` is taken out: none, one or two spans (R12: a split)."""
        if not self.overlaps(other):
            return [self]
        left = [Span(self.start, other.start - 1, self.digits)] if self.start < other.start else []
        right = [Span(other.end + 1, self.end, self.digits)] if other.end < self.end else []
        return left + right

    def blocks(self) -> range:
        return range(self.start // BLOCK, self.end // BLOCK + 1)

    def clipped_to(self, block: int) -> "Span":
        return Span(max(self.start, block * BLOCK), min(self.end, (block + 1) * BLOCK - 1), self.digits)


def remove(spans: list[Span], taken: Span) -> list[Span]:
    return sorted(part for span in spans for part in span.minus(taken))


def uncovered(spans: list[Span], wanted: Span) -> list[Span]:
    """The parts of `wanted` that none of `spans` holds."""
    left = [wanted]
    for span in spans:
        left = [part for piece in left for part in piece.minus(span)]
    return left


def covered_by(spans: list[Span], wanted: Span) -> bool:
    """True when the customer holds every number of `wanted` (R12: only held numbers can be removed)."""
    return not uncovered(spans, wanted)
