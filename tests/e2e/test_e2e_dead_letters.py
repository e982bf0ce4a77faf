"""`mmp dlq`: parked messages listed with why, replayed once onto their topic, never twice."""

import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from kafka_tools import produce_raw

from mmp_devstack.stack import Stack
from mmp_servicekit.dead_letters import DeadLetter, read

pytestmark = pytest.mark.e2e


def mmp_dlq(stack: Stack, *args: str) -> str:
    env = {**os.environ, "MMP_KAFKA_BOOTSTRAP": stack.config.bootstrap}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("mmp")), "dlq", *args], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def parked_with(stack: Stack, marker: str, count: int) -> list[DeadLetter]:
    options = {"bootstrap_servers": stack.config.bootstrap}
    for _ in range(300):
        letters = [d for d in await read(options, "customer.commands") if marker.encode() in d.value]
        if len(letters) >= count:
            return letters
        await asyncio.sleep(0.1)
    raise AssertionError(f"no {count} dead letters with {marker} in 30 s")


async def test_a_parked_message_is_listed_with_its_reason_and_replayed_once(stack: Stack) -> None:
    marker = f"poison-{uuid.uuid4().hex[:8]}"
    body = f'{{"specversion": "1.0", "type": "CreateCustomer", "id": "{marker}", "source": "bss", "data": 7}}'
    produce_raw(stack.config.bootstrap, "customer.commands", b"some-webid", body.encode())
    [letter] = await parked_with(stack, marker, 1)
    assert "data: a JSON object is required" in letter.error
    assert f"customer.commands.dlq {letter.ref}" in mmp_dlq(stack, "list", "--topic", "customer.commands")

    replayed = mmp_dlq(stack, "replay", letter.ref, "--topic", "customer.commands")
    assert f"replayed customer.commands.dlq {letter.ref} onto customer.commands" in replayed
    first, second = await parked_with(stack, marker, 2)  # still poison: parked again, as a new letter
    assert (first.replayed, second.replayed) == (True, False)

    again = mmp_dlq(stack, "replay", letter.ref, "--topic", "customer.commands")
    assert f"not replayed customer.commands.dlq {letter.ref}: already replayed" in again
    assert "replayed customer.commands.dlq" not in again.replace("not replayed", "")
