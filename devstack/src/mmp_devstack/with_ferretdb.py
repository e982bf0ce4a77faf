"""`mmp with-ferretdb -- COMMAND`: a command run beside a FerretDB of its own, for tests that need a MongoDB but
no stack. The command finds its URL in `MMP_STORE_CONTRACT_URLS` (what the store contract tests read)."""

import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from mmp_devstack.config import Ports, StackConfig
from mmp_devstack.infra import ferretdb
from mmp_devstack.infra.build import SetupFailed
from mmp_devstack.processes import ManagedProcess


def run(cache: Path, argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="mmp-ferretdb-") as workdir:
        config = StackConfig(ports=Ports(ferretdb=_free_port()), workdir=Path(workdir), cache=cache)
        server = ManagedProcess("ferretdb", ferretdb.command(config), {}, config.workdir)
        server.start()
        try:
            _until_accepting(server, config.host, config.ports.ferretdb)
            env = {**os.environ, "MMP_STORE_CONTRACT_URLS": config.ferretdb_url}
            return subprocess.run(argv, env=env, check=False).returncode
        finally:
            server.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _until_accepting(server: ManagedProcess, host: str, port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if not server.alive():
            raise SetupFailed(f"FerretDB exited:\n{server.tail()}")
        try:
            socket.create_connection((host, port), timeout=1).close()
            return
        except OSError as error:
            if time.monotonic() > deadline:
                raise SetupFailed(f"FerretDB did not accept connections on {host}:{port}: {error}") from error
            time.sleep(0.1)
