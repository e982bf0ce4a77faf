"""Schemathesis against each service's own OpenAPI, every phase (examples, coverage, fuzzing, stateful), every
check but one, each service in-process: its `build()` on a real SQLite file in `tmp_path` and FastStream's
TestKafkaBroker, set up inside the app's lifespan so that it runs on the event loop schemathesis calls the app on.

Left out: `positive_data_acceptance`. A request can be well-formed and still refused by a rule (R1: a group nobody
registered, R6: a WebID in use, R12: DIDs another customer holds); the schema cannot say so, and the API answers
422 or 409 with the rule. Everything else must hold: no 5xx, every status, header, media type and body as the
schema says, invalid input refused, no route that ignores its token.

`MMP_FUZZ_EXAMPLES` (default 12) and `MMP_FUZZ_SEED` make a run longer or different, e.g. before a release:
`MMP_FUZZ_EXAMPLES=200 .venv/bin/pytest tests/fuzz`.
"""

import os
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis import engine
from schemathesis.engine import events
from schemathesis.python import asgi

TOKEN = "fuzz-admin-token"
EXAMPLES = int(os.environ.get("MMP_FUZZ_EXAMPLES", "12"))
SEED = int(os.environ.get("MMP_FUZZ_SEED", "20261126"))
CHECKS_LEFT_OUT = ("positive_data_acceptance",)

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


@dataclass(frozen=True)
class Finding:
    """One distinct failure: where, which check, what, and the requests that reproduce it."""

    operation: str
    check: str
    title: str
    message: str
    reproduce: str

    def __str__(self) -> str:
        return f"{self.operation}: {self.check}: {self.title}\n    {self.message}\n    {self.reproduce}"


@dataclass
class Run:
    findings: list[Finding]
    errors: list[str]
    phases: dict[str, str]
    """Each phase and how it ended (`success`, `failure`, `skip`...)."""

    def report(self) -> str:
        lines = [str(finding) for finding in self.findings] + [f"error: {error}" for error in self.errors]
        return "\n".join(lines) or "nothing"

    def assert_clean(self) -> None:
        assert not self.findings, f"schemathesis found:\n{self.report()}"
        assert not self.errors, f"schemathesis failed:\n{self.report()}"
        for phase in ("examples", "coverage", "fuzzing"):
            assert self.phases.get(phase) == "success", f"phase {phase} did not pass: {self.phases}"


def fuzz(app: FastAPI, lifespan: Lifespan, examples: int = EXAMPLES) -> Run:
    """Runs schemathesis's engine (what its CLI runs) on the app, started with `lifespan` instead of its own
    (which would connect to a real broker), and collects each distinct failure."""
    app.router.lifespan_context = lifespan
    checks: dict[str, Any] = {name: {"enabled": False} for name in CHECKS_LEFT_OUT}
    config = schemathesis.Config.from_dict(
        {
            "headers": {"Authorization": f"Bearer {TOKEN}"},
            "seed": SEED,
            "generation": {"max-examples": examples, "database": "none"},
            "checks": checks,
            "suppress-health-check": ["all"],
        }
    )
    try:
        schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
        return _collect(engine.from_schema(schema).execute())
    finally:
        asgi.shutdown_lifespans()  # runs the lifespan's exit: the relay, the broker, the store


def _collect(stream: Any) -> Run:
    found: dict[tuple[str, str, str], Finding] = {}
    errors: list[str] = []
    phases: dict[str, str] = {}
    for event in stream:
        if isinstance(event, events.ScenarioFinished):
            for checks in event.recorder.checks.values():
                for check in checks:
                    info = check.failure_info
                    if info is None:
                        continue
                    failure = info.failure
                    key = (event.recorder.label, check.name, failure.title)
                    reproduce = " && ".join(step.curl for step in info.steps) or info.code_sample
                    found.setdefault(
                        key, Finding(event.recorder.label, check.name, failure.title, failure.message, reproduce)
                    )
        elif isinstance(event, events.NonFatalError):
            errors.append(f"{event.label}: {event.info.message}")
        elif isinstance(event, events.FatalError):
            errors.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.PhaseFinished):
            phases[event.phase.name.value] = event.status.value
    return Run(list(found.values()), errors, phases)


Fuzz = Callable[..., Run]


@pytest.fixture
def schemathesis_run() -> Fuzz:
    return fuzz


@pytest.fixture
def fuzz_token() -> str:
    return TOKEN


TokenCheck = Callable[[FastAPI, Sequence[str]], Awaitable[None]]


@pytest.fixture
def hostile_tokens_get_401(bearer_tokens: list[bytes]) -> TokenCheck:
    """Every hostile Authorization header on every path given: 401 in the one error model."""

    async def check(app: FastAPI, paths: Sequence[str]) -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as http:
            for path in paths:
                for authorization in bearer_tokens:
                    response = await http.get(path, headers={"Authorization": authorization} if authorization else {})
                    assert response.status_code == 401, (path, authorization[:40], response.text)
                    assert response.json()["detail"][0]["rule"] == "authentication"
                    assert response.headers["WWW-Authenticate"] == "Bearer"

    return check


@pytest.fixture
def bearer_tokens() -> list[bytes]:
    """Authorization headers that are missing, malformed, forged or not ASCII (as UTF-8 and as raw bytes): each
    must get 401 in the one error model, never a 500."""
    texts = [
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer \u00e9t\u00e9",
        "Bearer \U0001f600",
        "Bearer cat.c-1.\u00b2\u00b3.sig",
        "Bearer cat.c-1.\u0661\u0662.sig",
        "Bearer cat.c-1.99999999999.\u00e9\u00e9\u00e9",
        "Bearer cat.\u00e9.1.x",
        "Bearer cat..1.",
        "Bearer cat.c-1.1.AAAA",
        "Bearer " + "x" * 10_000,
        "Bearer fuzz-admin-token\u00ff",
    ]
    return [text.encode() for text in texts] + [b"Bearer \xff\xfe\x80", b"Bearer cat.c-1.9999999999.\xc3"]
