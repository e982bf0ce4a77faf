"""What the stack burns when no traffic flows: the CPU each process used over a quiet window, as a share of one
core, read from /proc. The stack settles first (Kafka's JIT and log cleaner, the services' first sweeps)."""

import asyncio
import statistics
from dataclasses import dataclass

from mmp_devstack.benchmark.processes import pids, usage
from mmp_devstack.config import StackConfig


@dataclass(frozen=True)
class Idle:
    label: str
    seconds: float
    windows: int
    percent_of_a_core: dict[str, float]
    """Per process, the median over the windows."""

    @property
    def total(self) -> float:
        return sum(self.percent_of_a_core.values())


async def measure_idle(config: StackConfig, label: str, settle: float, seconds: float, windows: int) -> Idle:
    await asyncio.sleep(settle)
    processes = pids(config)
    shares: dict[str, list[float]] = {name: [] for name in processes}
    for _ in range(windows):
        before = usage(processes)
        await asyncio.sleep(seconds)
        used = usage(processes).cpu_since(before)
        for name, cpu in used.items():
            shares[name].append(100 * cpu / seconds)
    return Idle(label, seconds, windows, {name: statistics.median(values) for name, values in shares.items()})


def table(idle: Idle) -> str:
    lines = [
        f"Idle, {idle.label}: CPU as % of one core, median of {idle.windows} windows of {idle.seconds:.0f} s",
        "",
        "| process | % of one core |",
        "|---|---|",
    ]
    lines += [f"| {name} | {share:.2f} |" for name, share in sorted(idle.percent_of_a_core.items())]
    lines.append(f"| **whole stack** | **{idle.total:.2f}** |")
    return "\n".join(lines) + "\n"
