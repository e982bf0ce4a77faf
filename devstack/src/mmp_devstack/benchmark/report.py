"""The figures of several runs, each the median over the runs: as text for the terminal, as a Markdown table and
a PNG plot for `docs/`."""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mmp_devstack.benchmark.runs import Latency, SweepPoint, Throughput, _p
from mmp_devstack.benchmark.saga import STEPS

SERVICES = ("customer-svc", "platform-svc", "micollab-svc", "notify-svc")


@dataclass(frozen=True)
class Figures:
    label: str
    throughputs: Sequence[Throughput]
    latencies: Sequence[Latency]
    sweeps: Sequence[Sequence[SweepPoint]]

    def rate(self) -> float:
        return statistics.median(t.rate for t in self.throughputs)

    def failed(self) -> int:
        return sum(t.failed for t in self.throughputs)

    def step(self, name: str, percent: int) -> float:
        return statistics.median(_p(t.steps[name], percent) for t in self.throughputs if t.steps[name])

    def cpu(self) -> dict[str, float]:
        names = self.throughputs[0].cpu_ms_per_customer
        return {name: statistics.median(t.cpu_ms_per_customer[name] for t in self.throughputs) for name in names}

    def rss(self) -> dict[str, float]:
        names = self.throughputs[-1].rss_mib
        return {name: statistics.median(t.rss_mib[name] for t in self.throughputs) for name in names}

    def latency_p50(self) -> float:
        return statistics.median(latency.p50 for latency in self.latencies)

    def floor(self) -> float:
        return statistics.median(latency.floor.seconds for latency in self.latencies)

    def hop(self) -> float:
        return statistics.median(latency.floor.hop_seconds for latency in self.latencies)

    def sweep(self) -> list[SweepPoint]:
        """Per offered rate, the median of the runs that offered it."""
        rates = sorted({point.offered for sweep in self.sweeps for point in sweep})
        merged = []
        for rate in rates:
            at = [point for sweep in self.sweeps for point in sweep if point.offered == rate]
            merged.append(
                SweepPoint(rate, statistics.median(p.achieved for p in at), statistics.median(p.p99 for p in at))
            )
        return merged


def text(figures: Figures) -> str:
    runs = len(figures.throughputs)
    cpu = figures.cpu()
    services = sum(cpu.get(name, 0.0) for name in SERVICES)
    lines = [
        f"{figures.label}: medians of {runs} runs of {figures.throughputs[0].customers} customers "
        f"({figures.failed()} failed in all)",
        f"throughput: {figures.rate():.1f} customers/s",
        "latency (p50 / p95 / p99 ms):",
    ]
    for name in [name for name, _, _ in STEPS] + ["create"]:
        label = "command -> ACTIVE" if name == "create" else name
        lines.append(
            f"  {label:<20} {ms(figures.step(name, 50))} / {ms(figures.step(name, 95))} / {ms(figures.step(name, 99))}"
        )
    lines.append("CPU ms per customer: " + ", ".join(f"{name} {value:.1f}" for name, value in cpu.items()))
    lines.append(f"  the four services together: {services:.1f} ms")
    lines.append("RSS MiB: " + ", ".join(f"{name} {value:.0f}" for name, value in figures.rss().items()))
    if figures.latencies:
        lines.append(
            f"one at a time: p50 command -> ACTIVE {ms(figures.latency_p50())} ms; floor {ms(figures.floor())} ms "
            f"(bare hop {ms(figures.hop())} ms x4 + bare platform calls); "
            f"{figures.latency_p50() / figures.floor():.2f}x the floor"
        )
    for point in figures.sweep():
        lines.append(f"  offered {point.offered:6.1f}/s -> achieved {point.achieved:6.1f}/s, p99 {ms(point.p99)} ms")
    return "\n".join(lines)


def markdown(figures: Figures) -> str:
    cpu, rss = figures.cpu(), figures.rss()
    rows = [
        f"### {figures.label}",
        "",
        f"Medians of {len(figures.throughputs)} runs of {figures.throughputs[0].customers} customers; "
        f"{figures.failed()} failed.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| throughput | {figures.rate():.1f} customers/s |",
    ]
    for name in [name for name, _, _ in STEPS] + ["create"]:
        label = "command to ACTIVE" if name == "create" else name
        rows.append(
            f"| {label} p50 / p95 / p99 | {ms(figures.step(name, 50))} / {ms(figures.step(name, 95))} / "
            f"{ms(figures.step(name, 99))} ms |"
        )
    if figures.latencies:
        rows.append(f"| one at a time, p50 command to ACTIVE | {ms(figures.latency_p50())} ms |")
        rows.append(f"| floor (4 bare hops + bare platform calls) | {ms(figures.floor())} ms |")
        rows.append(f"| p50 / floor | {figures.latency_p50() / figures.floor():.2f} |")
    rows.append(f"| CPU of the four services per customer | {sum(cpu.get(n, 0.0) for n in SERVICES):.1f} ms |")
    rows += ["", "| process | CPU ms per customer | RSS MiB |", "|---|---|---|"]
    rows += [f"| {name} | {value:.1f} | {rss.get(name, 0):.0f} |" for name, value in cpu.items()]
    sweep = figures.sweep()
    if sweep:
        rows += ["", "| offered /s | achieved /s | p99 ms |", "|---|---|---|"]
        rows += [f"| {p.offered:.0f} | {p.achieved:.1f} | {ms(p.p99)} |" for p in sweep]
    return "\n".join(rows) + "\n"


def plot(all_figures: Sequence[Figures], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (rates, tails) = plt.subplots(1, 2, figsize=(11, 4.2))
    for figures in all_figures:
        sweep = figures.sweep()
        offered = [p.offered for p in sweep]
        rates.plot(offered, [p.achieved for p in sweep], marker="o", label=figures.label)
        tails.plot(offered, [p.p99 * 1000 for p in sweep], marker="o", label=figures.label)
    top = max((p.offered for f in all_figures for p in f.sweep()), default=1)
    rates.plot([0, top], [0, top], linestyle=":", color="grey", label="achieved = offered")
    rates.set(xlabel="offered customers/s", ylabel="achieved customers/s", title="Open-loop sweep: rate")
    tails.set(xlabel="offered customers/s", ylabel="p99 command to ACTIVE (ms)", title="Open-loop sweep: p99")
    tails.set_yscale("log")
    for axes in (rates, tails):
        axes.grid(True, alpha=0.3)
        axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}" if seconds >= 0.1 else f"{seconds * 1000:.1f}"


def held_table(results: Sequence[tuple[int, Figures]]) -> str:
    """Throughput, latency and memory with more and more customers held: flat, or not."""
    base = results[0][1].rate()
    services = [name for name in SERVICES if name in results[0][1].rss()]
    rows = [
        "| customers held | throughput /s | vs none | p50 command to ACTIVE ms | "
        + " | ".join(f"{name} RSS MiB" for name in services)
        + " |",
        "|---" * (4 + len(services)) + "|",
    ]
    for held, figures in results:
        rss = figures.rss()
        rows.append(
            f"| {held:,} | {figures.rate():.1f} | {figures.rate() / base:.2f} | {ms(figures.step('create', 50))} | "
            + " | ".join(f"{rss[name]:.0f}" for name in services)
            + " |"
        )
    return "\n".join(rows) + "\n"
