"""The `mmp` command: `up` runs the whole system on this machine, `demo` and `bench` exercise it."""

import argparse
import asyncio
import contextlib
import dataclasses
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from mmp_devstack import bench_dids, benchmark, chaos, demo, dlq, tasks_cli, with_ferretdb
from mmp_devstack.benchmark import bulk, idle, report
from mmp_devstack.client import MmpClient
from mmp_devstack.config import BROKERS, STORES, StackConfig
from mmp_devstack.infra import ferretdb, kafka
from mmp_devstack.infra.build import SetupFailed
from mmp_devstack.stack import Stack
from mmp_servicekit.tenancy import mint_customer_token


@contextlib.asynccontextmanager
async def running(config: StackConfig) -> AsyncIterator[Stack]:
    stack = Stack(config)
    try:
        await stack.start()
        yield stack
    finally:
        stack.stop()


def announce(config: StackConfig) -> None:
    print("mmp is up:")
    print(f"  broker         {broker_in_use(config)}")
    print(f"  store          {store_in_use(config)}")
    print(
        f"  smtp           {config.smtp}"
        + ("" if config.smtp_url else f"  (received mail: {config.url(config.ports.mail_http)}/messages)")
    )
    for name, url in config.service_urls.items():
        print(f"  {name:<14} {url}  (docs: {url}/docs)")
    for name, url in config.simulator_urls.items():
        print(f"  simulator {name:<4} {url}  (state: {url}/_sim/state)")
    print(f"  SP-admin token {config.admin_token}")
    print(
        "  sandbox ready: Platform Manager registered, blueprint bp-mivb-standard, platform group pg-ottawa-1"
        " made from it, eight bundles; send the canonical CreateCustomer now."
    )
    sys.stdout.flush()


def broker_in_use(config: StackConfig) -> str:
    if config.kafka_bootstrap:
        return f"{config.bootstrap} (MMP_KAFKA_BOOTSTRAP; clients set for {config.broker})"
    name = f"Apache Kafka {kafka.version()}" if config.broker == "kafka" else "tansu (in memory)"
    return f"{name} at {config.bootstrap}"


def store_in_use(config: StackConfig) -> str:
    if config.mongo_url:
        return "the MongoDB at MMP_MONGO_URL"
    if config.store == "ferretdb":
        return f"FerretDB {ferretdb.version()} at {config.mongo}"
    return f"sqlite (embedded), one file per service in {config.store_dir.resolve()}"


def prepare(config: StackConfig) -> None:
    """What the chosen broker and store need installed, made now rather than by the first stack that runs them."""
    if config.broker == "kafka":
        kafka.libs(config.cache)
    if config.store == "ferretdb":
        ferretdb.binary(config.cache)


async def up(config: StackConfig, with_demo: bool) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with running(config):
        announce(config)
        if with_demo:
            client = MmpClient(config)
            try:
                outcome = "behaved" if await demo.run(client) else "DID NOT behave"
            finally:
                await client.close()
            print(f"the demo {outcome}; the stack keeps running until Ctrl-C", flush=True)
        await stop.wait()
        print("stopping...", flush=True)
    return 0


async def with_stack(config: StackConfig, attach: bool, scenario: str, args: argparse.Namespace) -> int:
    """Runs a scenario on an already running stack (`--attach`) or on one started for the occasion."""
    async with contextlib.AsyncExitStack() as scope:
        if not attach:
            await scope.enter_async_context(running(config))
        if scenario == "bench":
            return await run_bench(config, args)
        if scenario == "bulk":
            outcome = await bulk.run(config, args.customers)
            print(bulk.report(outcome))
            return 0 if outcome.clean else 1
        client = MmpClient(config)
        try:
            return 0 if await demo.run(client) else 1
        finally:
            await client.close()


async def run_bench(config: StackConfig, args: argparse.Namespace) -> int:
    if args.idle:
        label = f"{config.broker} + {config.store}"
        measured = await idle.measure_idle(config, label, args.idle_settle, args.idle, args.runs)
        print(idle.table(measured))
        if args.docs:
            args.docs.mkdir(parents=True, exist_ok=True)
            (args.docs / f"bench-idle-{label.replace(' + ', '-')}.md").write_text(idle.table(measured))
        return 0
    if args.held:
        levels = [int(level) for level in args.held.split(",")]
        results = await benchmark.measure_held(config, levels, args.customers, args.concurrency, args.runs)
        table = report.held_table(results)
        print(table)
        if args.docs:
            args.docs.mkdir(parents=True, exist_ok=True)
            (args.docs / f"bench-held-{config.broker}-{config.store}.md").write_text(table)
        return 0 if all(figures.failed() == 0 for _, figures in results) else 1
    rates = [float(rate) for rate in args.rates.split(",") if rate]
    label = f"{config.broker} + {config.store}"
    figures = await benchmark.measure(
        config, label, args.customers, args.concurrency, args.runs, args.latency_samples, rates, args.sweep_seconds
    )
    print(report.text(figures))
    if args.docs:
        args.docs.mkdir(parents=True, exist_ok=True)
        slug = label.replace(" + ", "-")
        (args.docs / f"bench-{slug}.md").write_text(report.markdown(figures))
        if rates:
            report.plot([figures], args.docs / f"bench-sweep-{slug}.png")
    return 0 if figures.failed() == 0 else 1


def add_part_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--broker", choices=BROKERS, default="tansu", help="tansu (default) or Apache Kafka")
    command.add_argument(
        "--store", choices=STORES, default="sqlite", help="sqlite (default) or FerretDB; MMP_MONGO_URL overrides both"
    )


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # its connection retries while the broker starts
    parser = argparse.ArgumentParser(prog="mmp", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    up_command = commands.add_parser("up", help="run everything in the foreground; Ctrl-C stops it")
    up_command.add_argument("--demo", action="store_true", help="run the demo once the sandbox is ready")
    add_part_options(up_command)
    for name in ("demo", "bench", "bulk"):
        sub = commands.add_parser(name, help=f"run the {name} on a fresh stack, or on a running one with --attach")
        sub.add_argument("--attach", action="store_true", help="use the stack `mmp up` runs (needs MMP_ADMIN_TOKEN)")
        add_part_options(sub)
        if name == "bulk":
            sub.add_argument("--customers", type=int, default=10_000, help="published at once")
        if name == "bench":
            sub.add_argument("--customers", type=int, default=200, help="per throughput run")
            sub.add_argument("--concurrency", type=int, default=16, help="customers in flight in a throughput run")
            sub.add_argument("--runs", type=int, default=3, help="each figure is the median of this many runs")
            sub.add_argument("--latency-samples", type=int, default=30, help="customers sent one at a time per run")
            sub.add_argument(
                "--rates", default="", help="offered rates of an open-loop sweep, e.g. 10,20,40 (none by default)"
            )
            sub.add_argument("--sweep-seconds", type=float, default=20.0, help="how long each rate is offered")
            sub.add_argument("--docs", type=Path, help="write the table (bench.md) and the sweep plot here")
            sub.add_argument(
                "--held", default="", help="customers held, e.g. 0,10000,100000: throughput and RSS at each level"
            )
            sub.add_argument(
                "--idle", type=float, default=0.0, help="instead: the CPU of the stack idle over windows of this many s"
            )
            sub.add_argument("--idle-settle", type=float, default=120.0, help="seconds to settle before --idle")
    add_part_options(
        commands.add_parser("prepare", help="resolve Kafka and build FerretDB now instead of at first use")
    )
    beside = commands.add_parser("with-ferretdb", help="run a command beside a FerretDB of its own (store tests)")
    beside.add_argument("argv", nargs=argparse.REMAINDER, help="the command, after --")
    commands.add_parser("asyncapi", help="write every service's AsyncAPI document to docs/asyncapi")
    commands.add_parser("bench-dids", help="time the DID overlap check with 1,000 and 100,000 ranges held")
    dlq.add_commands(commands)
    tasks_cli.add_commands(commands)
    chaos.add_command(commands, add_part_options)
    token = commands.add_parser("customer-token", help="mint a customer-admin token for one customer")
    token.add_argument("customer_id")
    token.add_argument("--hours", type=int, default=24)
    args = parser.parse_args()
    try:
        run(parser, args)
    except SetupFailed as error:
        sys.exit(f"mmp: {error}")


def run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.command == "up":
        stale = Path(os.environ.get("MMP_WORKDIR", ".mmp")) / "stack.env"
        stale.unlink(missing_ok=True)  # a new stack has new secrets
    config = StackConfig.from_environment()
    if "broker" in args:
        config = dataclasses.replace(config, broker=args.broker, store=args.store)
    if args.command == "bench-dids":
        bench_dids.main()
        return
    if args.command == "asyncapi":
        from mmp_devstack import asyncapi_docs

        for path in asyncapi_docs.write():
            print(path)
        return
    if args.command == "dlq":
        sys.exit(dlq.main(args))
    if args.command == "customer-token":
        print(mint_customer_token(config.token_secret, args.customer_id, args.hours * 3600))
        return
    if args.command == "prepare":
        prepare(config)
        return
    if args.command == "with-ferretdb":
        argv = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
        if not argv:
            parser.error("with-ferretdb needs a command: mmp with-ferretdb -- COMMAND ...")
        sys.exit(with_ferretdb.run(config.cache, argv))
    if args.command == "up":
        sys.exit(asyncio.run(up(config, args.demo)))
    if args.command == "task":
        sys.exit(tasks_cli.main(config, args))
    if args.command == "chaos":
        sys.exit(chaos.main(config, args))
    if getattr(args, "attach", False) and not os.environ.get("MMP_ADMIN_TOKEN"):
        parser.error("--attach needs a running `mmp up` (its .mmp/stack.env) or MMP_ADMIN_TOKEN")
    sys.exit(asyncio.run(with_stack(config, args.attach, args.command, args)))
