"""`mmp bench`: what the create saga costs and how fast it goes, measured against floors of the same run.

Every figure is the median of several runs on one stack: throughput in a closed loop, each step's latency from
the events' own timestamps, CPU and RSS of every process read from /proc, the latency of one customer at a time
against the floor of its bare Kafka hops and platform calls, and an open-loop sweep of offered rates.
"""

from collections.abc import Sequence

from mmp_devstack.benchmark.report import Figures
from mmp_devstack.benchmark.runs import Bench
from mmp_devstack.config import StackConfig

DEFAULT_RATES = (5.0, 10.0, 20.0, 40.0, 60.0, 80.0, 100.0, 120.0)


async def measure(
    config: StackConfig,
    label: str,
    customers: int,
    concurrency: int,
    runs: int,
    latency_samples: int,
    rates: Sequence[float],
    sweep_seconds: float,
) -> Figures:
    throughputs, latencies, sweeps = [], [], []
    async with Bench(config) as bench:
        await bench.throughput(customers, concurrency)  # warm-up: the broker's JIT, the services' caches
        for _ in range(runs):
            throughputs.append(await bench.throughput(customers, concurrency))
            if latency_samples:
                latencies.append(await bench.latency(latency_samples))
            if rates:
                sweeps.append(await bench.sweep(rates, sweep_seconds))
    return Figures(label, throughputs, latencies, sweeps)


async def measure_held(
    config: StackConfig, levels: Sequence[int], customers: int, concurrency: int, runs: int
) -> list[tuple[int, Figures]]:
    """The same throughput runs with more and more customers held (copied into the stores between levels)."""
    from mmp_devstack.benchmark.held import hold

    results: list[tuple[int, Figures]] = []
    async with Bench(config) as bench:
        await bench.throughput(customers, concurrency)  # warm-up: the broker's JIT, the services' caches
        held = 0
        for level in levels:
            if level > held:
                await hold(config, level - held)
                held = level
            throughputs = [await bench.throughput(customers, concurrency) for _ in range(runs)]
            results.append((held, Figures(f"{held:,} held", throughputs, [], [])))
    return results
