"""The platform client over its production transport (aiohttp), against real sockets: each way a call can fail
says whether the platform may have acted on it, which decides whether the undo has something to put back."""

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from mmp_servicekit.metrics import ServiceMetrics
from mmp_servicekit.platform_http import PlatformCallFailed, PlatformClient, new_http_client

pytestmark = pytest.mark.unit

Serve = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def served(behaviour: Serve) -> AsyncIterator[str]:
    server = await asyncio.start_server(behaviour, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}"


async def read_request(reader: asyncio.StreamReader) -> None:
    await reader.readuntil(b"\r\n\r\n")


async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, status: str, body: bytes) -> None:
    await read_request(reader)
    writer.write(f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\nContent-Type: application/json\r\n\r\n".encode())
    writer.write(body)
    await writer.drain()


async def call(url: str, method: str = "PUT") -> PlatformCallFailed | int:
    async with new_http_client() as http:
        try:
            response = await PlatformClient(http, ServiceMetrics()).call("MiVB", method, url, "/api/tenants/t", {})
        except PlatformCallFailed as failure:
            return failure
        return response.status_code


async def test_a_refused_connection_cannot_have_been_applied() -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    failure = await call(f"http://127.0.0.1:{port}")
    assert isinstance(failure, PlatformCallFailed)
    assert (failure.maybe_applied, failure.status) == (False, None)
    assert "unreachable" in failure.problem


async def test_a_connection_dropped_after_the_request_may_have_been_applied() -> None:
    async def drop(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.close()

    async for url in served(drop):
        failure = await call(url)
        assert isinstance(failure, PlatformCallFailed)
        assert failure.maybe_applied


@pytest.mark.timeout(30)
async def test_a_request_left_unanswered_times_out_and_may_have_been_applied() -> None:
    async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(30)

    async for url in served(hang):
        failure = await call(url)
        assert isinstance(failure, PlatformCallFailed)
        assert failure.maybe_applied
        assert "timed out" in failure.problem


async def test_answers_are_read_and_a_refusal_says_its_status() -> None:
    async def ok(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await answer(reader, writer, "200 OK", b'{"done": true}')

    async def refuse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await answer(reader, writer, "409 Conflict", b'{"detail": "taken"}')

    async def unavailable(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await answer(reader, writer, "503 Service Unavailable", b'{"detail": "not now"}')

    async for url in served(ok):
        assert await call(url) == 200
    async for url in served(refuse):
        failure = await call(url)
        assert isinstance(failure, PlatformCallFailed)
        assert (failure.status, failure.maybe_applied) == (409, False)
        assert "taken" in failure.problem
    async for url in served(unavailable):
        failure = await call(url)
        assert isinstance(failure, PlatformCallFailed)
        assert (failure.status, failure.maybe_applied) == (503, False)
