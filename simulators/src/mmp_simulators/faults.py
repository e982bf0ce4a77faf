"""Fault injection: lets tests make a simulated product slow, unreachable or failing."""

import asyncio

from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTROL_PREFIX = "/_sim"


class Faults(BaseModel):
    # extra="forbid" so a misspelt fault name fails loudly instead of silently injecting nothing
    model_config = ConfigDict(extra="forbid")

    down: bool = False
    fail_next: int = Field(default=0, ge=0)
    fail_for: str | None = None
    latency_ms: int = Field(default=0, ge=0)


class FaultInjector:
    def __init__(self, product: str) -> None:
        self.product = product
        self.faults = Faults()

    def merge(self, patch: Faults) -> Faults:
        self.faults = self.faults.model_copy(update=patch.model_dump(exclude_unset=True))
        return self.faults

    def clear(self) -> Faults:
        self.faults = Faults()
        return self.faults

    def failure_for(self, path: str, body: bytes) -> tuple[int, str] | None:
        """Decides whether this request fails; consumes one `fail_next` when it does."""
        faults = self.faults
        if faults.down:
            return 503, f"{self.product} unreachable"
        if faults.fail_next > 0:
            faults.fail_next -= 1
            return 500, "injected failure"
        if faults.fail_for and (faults.fail_for in path or faults.fail_for.encode() in body):
            return 500, "injected failure"
        return None


def is_control_path(path: str) -> bool:
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


class FaultMiddleware:
    """Applies the current faults to every request outside the control API.

    A plain ASGI middleware rather than a route dependency so that faults also hit unknown
    routes and requests whose body would fail validation, as a real outage would.
    """

    def __init__(self, app: ASGIApp, injector: FaultInjector) -> None:
        self.app = app
        self.injector = injector

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_control_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        if self.injector.faults.latency_ms:
            await asyncio.sleep(self.injector.faults.latency_ms / 1000)
        body = b""
        if self.injector.faults.fail_for:
            body, receive = await _buffer_body(receive)
        failure = self.injector.failure_for(scope["path"], body)
        if failure is None:
            await self.app(scope, receive, send)
            return
        status_code, detail = failure
        await JSONResponse({"detail": detail}, status_code=status_code)(scope, receive, send)


async def _buffer_body(receive: Receive) -> tuple[bytes, Receive]:
    """Reads the whole request body and returns a `receive` that replays it to the app."""
    chunks: list[bytes] = []
    more_body = True
    while more_body:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        more_body = message.get("more_body", False)
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return body, replay
