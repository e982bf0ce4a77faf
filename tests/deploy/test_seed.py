"""deploy/seed/seed_sandbox.py (the compose seed job) makes the same writes as the devstack's sandbox.

Both run against a small recording HTTP server on loopback; the seed job must send the same requests, with the
same bodies, in the same order, so a change of the sandbox fails here until the job follows it.
Runs in `make test`: standard library, httpx and the devstack, all in the environment already.
"""

import asyncio
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from deploy_support import DEPLOY, load_module

from mmp_devstack import sandbox

seed_sandbox = load_module("mmp_deploy_seed_sandbox", DEPLOY / "seed" / "seed_sandbox.py")
TOKEN = "seed-test-token"
SIMULATORS = {
    "pm": "http://sim.test:9101",
    "mivb": "http://sim.test:9102",
    "micollab": "http://sim.test:9103",
    "mbg": "http://sim.test:9104",
}


@dataclass
class Recorder:
    exists: bool = False
    refuse: str | None = None
    writes: list[tuple[str, str, Any]] = field(default_factory=list)
    unauthorised: int = 0


@pytest.fixture
def platform() -> Iterator[tuple[str, Recorder]]:
    """One server for both services' APIs (their paths differ): records writes, answers reads."""
    recorder = Recorder()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def answer(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def authorised(self) -> bool:
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                recorder.unauthorised += 1
                self.answer(401, {"detail": "no"})
                return False
            return True

        def do_GET(self) -> None:
            if not self.authorised():
                return
            if self.path == "/api/v1/catalogue/platform-groups":
                self.answer(200, [{"platform_group_id": sandbox.PLATFORM_GROUP_ID}])
            else:
                self.answer(200 if recorder.exists else 404, {"detail": "-"})

        def write(self) -> None:
            if not self.authorised():
                return
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            recorder.writes.append((self.command, self.path, body))
            self.answer(422 if self.path == recorder.refuse else 200, {})

        do_PUT = do_POST = write

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", recorder
    finally:
        server.shutdown()
        server.server_close()


def seed_env(url: str) -> dict[str, str]:
    return {
        "MMP_ADMIN_TOKEN": TOKEN,
        "MMP_SEED_CUSTOMER_URL": url,
        "MMP_SEED_PLATFORM_URL": url,
        "MMP_SEED_PM_URL": SIMULATORS["pm"],
        "MMP_SEED_MIVB_URL": SIMULATORS["mivb"],
        "MMP_SEED_MICOLLAB_URL": SIMULATORS["micollab"],
        "MMP_SEED_MBG_URL": SIMULATORS["mbg"],
        "MMP_SEED_WAIT_SECONDS": "5",
    }


async def devstack_writes(url: str) -> None:
    config = SimpleNamespace(
        admin_token=TOKEN,
        service_urls={"customer-svc": url, "platform-svc": url},
        simulator_urls=SIMULATORS,
        pm_username=seed_sandbox.DEFAULTS["MMP_SEED_PM_USERNAME"],
        pm_password=seed_sandbox.DEFAULTS["MMP_SEED_PM_PASSWORD"],
    )
    async with httpx.AsyncClient(timeout=10) as http:
        await sandbox.prepare(config, http)  # type: ignore[arg-type]


def test_the_seed_job_writes_what_the_devstack_writes(platform: tuple[str, Recorder]) -> None:
    url, recorder = platform
    asyncio.run(devstack_writes(url))
    expected, recorder.writes = recorder.writes, []
    seed_sandbox.seed(seed_env(url))
    assert recorder.writes == expected
    assert recorder.unauthorised == 0
    assert len([w for w in expected if w[1].startswith("/api/v1/bundles/")]) == 8


def test_the_seed_job_leaves_what_exists(platform: tuple[str, Recorder]) -> None:
    url, recorder = platform
    recorder.exists = True
    seed_sandbox.seed(seed_env(url))
    assert [w[0] for w in recorder.writes if w[0] == "POST"] == []


def test_the_seed_job_fails_on_a_refusal(platform: tuple[str, Recorder]) -> None:
    url, recorder = platform
    recorder.refuse = "/api/v1/platform-groups"
    with pytest.raises(seed_sandbox.SeedFailed, match="422"):
        seed_sandbox.seed(seed_env(url))


def test_the_seed_job_needs_the_admin_token() -> None:
    with pytest.raises(seed_sandbox.SeedFailed, match="MMP_ADMIN_TOKEN"):
        seed_sandbox.seed({})
