"""The whole system as processes on the real broker (tansu), with the simulators and a real SMTP server."""

import asyncio
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from mmp_devstack.client import MmpClient
from mmp_devstack.config import Ports, StackConfig
from mmp_devstack.stack import Stack

E2E_PORTS = Ports.shifted(10_000)
"""Beside a developer's `mmp up`, never on its ports."""


@pytest.fixture(scope="session")
def stack_config() -> Iterator[StackConfig]:
    with tempfile.TemporaryDirectory(prefix="mmp-e2e-") as workdir:
        yield StackConfig(ports=E2E_PORTS, admin_token="e2e-admin-token-7f3a", workdir=Path(workdir))


@pytest.fixture(scope="session")
def stack(stack_config: StackConfig) -> Iterator[Stack]:
    stack = Stack(stack_config)
    try:
        asyncio.run(stack.start())
        yield stack
    except BaseException:
        for process in stack.processes:
            print(f"--- {process.name}\n{process.tail(40)}")
        raise
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def transcript() -> list[str]:
    """Every API response body of the run, for the secret scan."""
    return []


@pytest.fixture(scope="session")
def secrets_used(stack_config: StackConfig) -> list[str]:
    """Every secret value the run handles; tests that make new ones add them."""
    return [stack_config.pm_password, stack_config.secrets_key, stack_config.token_secret]


@pytest.fixture
async def client(stack: Stack, transcript: list[str]) -> AsyncIterator[MmpClient]:
    client = MmpClient(stack.config, transcript)
    await client.clear_faults()
    yield client
    await client.clear_faults()
    await client.close()
