"""`mmp chaos`: a fault campaign that checks its own results ("prove it loses nothing").

N customers live their whole lives (created through Kafka as a BSS would and through the API, edited, given and
relieved of DID ranges, turned into demo customers, deleted, created again) from several workers at once, while
the platforms fail and slow down, every service is SIGKILLed and one stopped under load, Apache Kafka restarts, a
second instance of a service joins its group and leaves it, and poison of every kind lands on every topic. Then
the campaign waits for quiescence, replays the dead letters whose cause is gone, waits again, and checks that
nothing was lost, done twice, left half made or left behind unreported: it prints the tables and exits non-zero
naming each invariant that failed, with examples.
"""

import argparse
import asyncio
import dataclasses
import os
import sys
from typing import Any

from mmp_devstack.chaos.campaign import Campaign, Outcome
from mmp_devstack.chaos.options import ChaosOptions, add_arguments, from_args
from mmp_devstack.config import Ports, StackConfig
from mmp_devstack.stack import Stack

__all__ = ["Campaign", "ChaosOptions", "Outcome", "add_command", "main", "on_stack"]


def add_command(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", part_options: Any) -> None:
    command = commands.add_parser("chaos", help="a fault campaign over N customers that checks its own results")
    command.add_argument("--attach", action="store_true", help="use the stack `mmp up` runs (no process is touched)")
    part_options(command)
    add_arguments(command)


async def on_stack(config: StackConfig, options: ChaosOptions, attach: bool) -> Outcome:
    """The campaign on a fresh stack of its own (in `<workdir>/chaos`, beside any `mmp up`), or attached."""
    stack = None if attach else Stack(config)
    try:
        if stack is not None:
            await stack.start()
        campaign = Campaign(config, options, stack)
        try:
            return await campaign.run_all()
        finally:
            await campaign.close()
    finally:
        if stack is not None:
            print(f"the stack's logs: {stack.logs.resolve()}", flush=True)
            stack.stop()


def main(config: StackConfig, args: argparse.Namespace) -> int:
    options = from_args(args)
    if args.attach and not os.environ.get("MMP_ADMIN_TOKEN"):
        sys.exit("mmp chaos --attach needs a running `mmp up` (its .mmp/stack.env) or MMP_ADMIN_TOKEN")
    if not args.attach:
        config = dataclasses.replace(config, ports=Ports.shifted(options.port_offset), workdir=config.workdir / "chaos")
    outcome = asyncio.run(on_stack(config, options, args.attach))
    print(outcome.tables, flush=True)
    failed = [invariant.name for invariant in outcome.invariants if not invariant.ok]
    print("every invariant holds" if not failed else f"FAILED: {'; '.join(failed)}", flush=True)
    return 0 if not failed else 1
