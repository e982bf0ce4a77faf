"""Making a server's files once (resolving jars, compiling a binary) into the cache the stacks share."""

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path


class SetupFailed(RuntimeError):
    pass


def cached(target: Path, make: Callable[[Path], None], what: str) -> Path:
    """`target`, made by `make` the first time only. It is made under another name and renamed when complete,
    so an interrupted build is never taken for a finished one."""
    target = target.resolve()
    if target.exists():
        return target
    partial = target.with_name(target.name + ".partial")
    if partial.is_dir():
        shutil.rmtree(partial)
    partial.unlink(missing_ok=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    print(f"mmp: {what} into {target} (once; later runs reuse it)", file=sys.stderr, flush=True)
    make(partial)
    partial.rename(target)
    return target


def tool(name: str, needed_for: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SetupFailed(f"{needed_for} needs `{name}` on PATH")
    return path


def run(argv: list[str], what: str, cwd: Path | None = None) -> None:
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()[-4000:]
        raise SetupFailed(f"{what} failed (exit {result.returncode}): {' '.join(argv)}\n{output}")
