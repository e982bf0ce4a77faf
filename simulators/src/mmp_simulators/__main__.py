"""Runs all four simulators in one process: `python -m mmp_simulators`."""

import argparse
import asyncio
import contextlib
import signal
import socket
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI

from mmp_simulators.app import create_app


@dataclass(frozen=True)
class SimulatorSpec:
    key: str
    port: int
    app: FastAPI


class EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to the process that hosts several of them.

    Each stock server swaps in its own SIGINT/SIGTERM handlers and re-raises the signal after
    shutting down, which with several servers would kill the process before the others stop.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="mmp-simulators", description="Test/dev stand-ins for Mitel products (not part of the product)."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--pm-port", type=int, default=9101)
    parser.add_argument("--mivb-port", type=int, default=9102)
    parser.add_argument("--micollab-port", type=int, default=9103)
    parser.add_argument("--mbg-port", type=int, default=9104)
    parser.add_argument("--pm-version", default="3.0.0.0")
    parser.add_argument("--mivb-version", default="10.1.0.0")
    parser.add_argument("--micollab-version", default="9.8.0.0")
    parser.add_argument("--mbg-version", default="12.0.0.0")
    parser.add_argument("--pm-username", default="pm-admin")
    parser.add_argument("--pm-password", default="pm-secret")
    return parser.parse_args(argv)


def simulator_specs(args: argparse.Namespace) -> list[SimulatorSpec]:
    pm_app = create_app("pm", args.pm_version, username=args.pm_username, password=args.pm_password)
    return [
        SimulatorSpec("pm", args.pm_port, pm_app),
        SimulatorSpec("mivb", args.mivb_port, create_app("mivb", args.mivb_version)),
        SimulatorSpec("micollab", args.micollab_port, create_app("micollab", args.micollab_version)),
        SimulatorSpec("mbg", args.mbg_port, create_app("mbg", args.mbg_version)),
    ]


def bind_socket(host: str, port: int) -> socket.socket:
    # Binding before any server starts turns a busy port into one clear error instead of a
    # half-started set, and reveals the real port when 0 (any free port) was asked for.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio turns Nagle off (TCP_NODELAY) only on sockets that say they are TCP,
    # and without it every keep-alive response waits ~40 ms for a delayed ACK.
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
    except OSError:
        listener.close()
        raise
    return listener


def url_of(host: str, listener: socket.socket) -> str:
    port = listener.getsockname()[1]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


async def _wait_until_started(
    servers: Sequence[uvicorn.Server], tasks: Sequence[asyncio.Task[None]], stop: asyncio.Event
) -> bool:
    while not all(server.started for server in servers):
        if stop.is_set() or any(task.done() for task in tasks):
            return False
        await asyncio.sleep(0.01)  # uvicorn exposes only a flag, no event to await
    return True


async def serve(specs: Sequence[SimulatorSpec], host: str, listeners: Sequence[socket.socket]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop.set)

    servers = [EmbeddedServer(uvicorn.Config(spec.app, log_level="warning")) for spec in specs]
    tasks = [
        asyncio.create_task(server.serve(sockets=[listener]))
        for server, listener in zip(servers, listeners, strict=True)
    ]
    if await _wait_until_started(servers, tasks, stop):
        for spec, listener in zip(specs, listeners, strict=True):
            print(f"simulator {spec.key} listening on {url_of(host, listener)}", flush=True)
        stop_requested = asyncio.create_task(stop.wait())
        await asyncio.wait([stop_requested, *tasks], return_when=asyncio.FIRST_COMPLETED)
        stop_requested.cancel()

    for server in servers:
        server.should_exit = True
    await asyncio.gather(*tasks)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    specs = simulator_specs(args)
    with contextlib.ExitStack() as closing:
        listeners = []
        for spec in specs:
            try:
                listeners.append(closing.enter_context(bind_socket(args.host, spec.port)))
            except OSError as error:
                address = f"{args.host}:{spec.port}"
                raise SystemExit(f"mmp-simulators: {spec.key} cannot listen on {address}: {error}") from None
        asyncio.run(serve(specs, args.host, listeners))


if __name__ == "__main__":
    main()
