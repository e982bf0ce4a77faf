"""FerretDB 1.24, the MongoDB wire protocol on SQLite files, built with Go from the program beside this module."""

import re
from pathlib import Path

from mmp_devstack.config import StackConfig
from mmp_devstack.infra import build

SOURCE = Path(__file__).with_name("ferretdb-server")


def version() -> str:
    """The FerretDB version go.mod requires; the binary is cached under it."""
    found = re.search(r"^require github\.com/FerretDB/FerretDB (v\S+)$", (SOURCE / "go.mod").read_text(), re.MULTILINE)
    if found is None:
        raise build.SetupFailed(f"{SOURCE / 'go.mod'} requires no FerretDB version")
    return found.group(1)


def binary(cache: Path) -> Path:
    """The server, compiled the first time (Go keeps the modules and the build cache in its own directories)."""
    return build.cached(cache / "bin" / f"ferretdb-{version()}", _compile, f"building FerretDB {version()} with Go")


def _compile(into: Path) -> None:
    go = build.tool("go", "building FerretDB")
    build.run([go, "build", "-trimpath", "-o", str(into), "."], f"building FerretDB {version()} with Go", cwd=SOURCE)


def command(config: StackConfig) -> list[str]:
    data = (config.data_dir / "ferretdb").resolve()
    return [str(binary(config.cache)), f"--listen={config.host}:{config.ports.ferretdb}", f"--dir={data}"]
