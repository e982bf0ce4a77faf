"""The campaign's tables: what was done, what was injected, what the system did about it, and the verdicts."""

from collections.abc import Sequence

from mmp_devstack.chaos.checks import Invariant

EXAMPLES = 8


def table(title: str, rows: Sequence[tuple[str, str]]) -> str:
    if not rows:
        return ""
    width = max(len(name) for name, _ in rows)
    lines = [title, "-" * len(title)]
    lines += [f"  {name:<{width}}  {value}" for name, value in rows]
    return "\n".join(lines) + "\n"


def verdicts(invariants: Sequence[Invariant]) -> str:
    width = max(len(i.name) for i in invariants)
    lines = ["Invariants", "----------"]
    for invariant in invariants:
        verdict = "OK  " if invariant.ok else f"FAIL ({len(invariant.violations)})"
        lines.append(f"  {verdict:<10} {invariant.name:<{width}}  [{invariant.looked_at}]")
        for example in invariant.violations[:EXAMPLES]:
            lines.append(f"             - {example}")
        if len(invariant.violations) > EXAMPLES:
            lines.append(f"             ... and {len(invariant.violations) - EXAMPLES} more")
    return "\n".join(lines) + "\n"


def share(part: float, whole: float) -> str:
    return f"{part:.0f} ({part / whole:.1%})" if whole else f"{part:.0f}"


def observations(lines: Sequence[str]) -> str:
    """Grouped by what was noticed (the text after the customer id), with a count and an example each."""
    if not lines:
        return ""
    groups: dict[str, list[str]] = {}
    for line in lines:
        _, _, what = line.partition(": ")
        key = what.split("'")[0] if what else line
        groups.setdefault(key, []).append(line)
    rows = ["Observations (no invariant forbids them; each worth a look)", "-" * 60]
    rows += [f"  {len(found):>5} x {found[0]}" for found in groups.values()]
    return "\n".join(rows) + "\n"
