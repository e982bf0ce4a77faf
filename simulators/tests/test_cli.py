import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import httpx
import pytest

import mmp_simulators

pytestmark = pytest.mark.unit

LISTENING = re.compile(r"^simulator (\w+) listening on (http://\S+)$")
STARTUP_DEADLINE_S = 20.0


def _environment_that_finds_the_package() -> dict[str, str]:
    # The package may be importable only through this test run's sys.path (e.g. PYTHONPATH=src)
    source_root = str(Path(mmp_simulators.__file__).resolve().parent.parent)
    python_path = os.pathsep.join(filter(None, [source_root, os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": python_path}


async def _read_listening_lines(stdout: asyncio.StreamReader, count: int) -> dict[str, str]:
    urls: dict[str, str] = {}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STARTUP_DEADLINE_S
    while len(urls) < count:
        line = await asyncio.wait_for(stdout.readline(), timeout=max(deadline - loop.time(), 0.0))
        assert line, f"simulators exited before announcing all of them; got {urls}"
        match = LISTENING.match(line.decode().strip())
        if match:
            urls[match.group(1)] = match.group(2)
    return urls


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
async def test_cli_serves_all_four_and_stops_cleanly(stop_signal: signal.Signals) -> None:
    port_flags = [f"--{key}-port=0" for key in ("pm", "mivb", "micollab", "mbg")]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "mmp_simulators",
        *port_flags,
        "--pm-username=cli-user",
        "--mbg-version=11.5.0.0",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_environment_that_finds_the_package(),
    )
    try:
        assert process.stdout is not None
        urls = await _read_listening_lines(process.stdout, 4)
        assert sorted(urls) == ["mbg", "micollab", "mivb", "pm"]

        async with httpx.AsyncClient(timeout=5.0) as client:
            systems = {
                key: (await client.get(f"{url}/api/system", auth=("cli-user", "pm-secret"))).json()
                for key, url in urls.items()
            }
        assert systems["pm"] == {"product": "Platform Manager", "version": "3.0.0.0"}
        assert systems["mivb"] == {"product": "MiVoice Business", "version": "10.1.0.0"}
        assert systems["micollab"]["version"] == "9.8.0.0"
        assert systems["mbg"] == {"product": "MiVoice Border Gateway", "version": "11.5.0.0"}

        process.send_signal(stop_signal)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=15.0)
        assert process.returncode == 0, stderr.decode()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
