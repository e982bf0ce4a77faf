"""What a campaign does: how many customers, how many workers, which faults and how much of them."""

import argparse
from dataclasses import dataclass

from mmp_devstack.chaos.poison import KINDS
from mmp_devstack.stack import SERVICES

ANY = "any"


@dataclass(frozen=True)
class ChaosOptions:
    customers: int = 10_000
    workers: int = 16
    seed: int | None = None
    platform_failures: float = 0.08
    """The share of platform calls (MiVB, MBG, MiCollab) answered with a failure (500s, some 503 outages)."""
    platform_slow: float = 0.07
    """The share of platform calls answered slowly (0.3 to 2.5 s; a few past the services' 5 s timeout)."""
    kills: tuple[str, ...] = SERVICES
    """Services SIGKILLed once each, at a random moment, then started again."""
    terms: tuple[str, ...] = (ANY,)
    """Services stopped gently (SIGTERM) under load, then started again; `any`: one the seed picks."""
    broker_restart: bool = True
    """Apache Kafka only: tansu keeps its topics in memory, so a restart would lose them by design."""
    second_instances: tuple[str, ...] = ("customer-svc", "micollab-svc")
    """Services joined by a second process (other HTTP port, same store) for a while, which then leaves."""
    poison_rounds: int = 2
    """Each round puts every kind of poison message on every consumed topic."""
    poison_except: tuple[str, ...] = ()
    """Kinds of poison left out (to look past a defect one kind exposes)."""
    quiesce_seconds: float = 600.0
    """How long to wait for quiescence, each time, before checking anyway (and failing that invariant)."""
    remedy: bool = True
    """Once the faults stop, retry the undo of half the customers left ROLLBACK_FAILED or DELETION_FAILED, as an
    operator would (R21); the other half keep their residue, which must be what they report."""
    port_offset: int = 0
    """A fresh stack on the default ports shifted by this much (beside another stack on this machine)."""
    task_seconds: float = 180.0
    """How long a worker waits for one task before it leaves the customer (the checks then look at it)."""


def add_arguments(command: argparse.ArgumentParser) -> None:
    defaults = ChaosOptions()
    command.add_argument("--customers", type=int, default=defaults.customers, help="customers through their life")
    command.add_argument("--workers", type=int, default=defaults.workers, help="customers in flight at once")
    command.add_argument("--seed", type=int, help="the random plan's seed (printed when not given)")
    command.add_argument(
        "--platform-failures",
        type=float,
        default=defaults.platform_failures,
        help="share of platform calls failed",
    )
    command.add_argument(
        "--platform-slow", type=float, default=defaults.platform_slow, help="share of platform calls slowed"
    )
    command.add_argument(
        "--kill", default=",".join(defaults.kills), help="services to SIGKILL and restart once each ('' for none)"
    )
    command.add_argument(
        "--term", default=",".join(defaults.terms), help="services to SIGTERM under load and restart ('' for none)"
    )
    command.add_argument(
        "--second-instance",
        default=",".join(defaults.second_instances),
        help="services a second process joins for a while, then leaves ('' for none)",
    )
    command.add_argument("--no-broker-restart", action="store_true", help="leave Apache Kafka running throughout")
    command.add_argument("--poison-rounds", type=int, default=defaults.poison_rounds, help="0 for no poison")
    command.add_argument("--poison-except", default="", help=f"kinds of poison left out, of: {', '.join(KINDS)}")
    command.add_argument(
        "--quiesce-seconds", type=float, default=defaults.quiesce_seconds, help="longest wait for quiescence"
    )
    command.add_argument("--no-remedy", action="store_true", help="retry no failed undo once the faults stop")
    command.add_argument("--port-offset", type=int, default=0, help="a fresh stack on the default ports + this")


def services(text: str) -> tuple[str, ...]:
    chosen = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in chosen if name not in (*SERVICES, ANY)]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown services {unknown}; they are {', '.join(SERVICES)} (or {ANY})")
    return chosen


def poison_kinds(text: str) -> tuple[str, ...]:
    chosen = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in chosen if name not in KINDS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown poison kinds {unknown}; they are {', '.join(KINDS)}")
    return chosen


def from_args(args: argparse.Namespace) -> ChaosOptions:
    return ChaosOptions(
        customers=args.customers,
        workers=args.workers,
        seed=args.seed,
        platform_failures=args.platform_failures,
        platform_slow=args.platform_slow,
        kills=services(args.kill),
        terms=services(args.term),
        broker_restart=not args.no_broker_restart,
        second_instances=services(args.second_instance),
        poison_rounds=args.poison_rounds,
        poison_except=poison_kinds(args.poison_except),
        quiesce_seconds=args.quiesce_seconds,
        remedy=not args.no_remedy,
        port_offset=args.port_offset,
    )
