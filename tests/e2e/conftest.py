"""The whole system as processes on a real broker, with the simulators and a real SMTP server.

The tier is chosen by `MMP_E2E_BROKER` (tansu, the default, or kafka) and `MMP_E2E_STORE` (sqlite, the default,
or ferretdb); `MMP_MONGO_URL` makes the services use that MongoDB instead of either store."""

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from mmp_devstack.client import MmpClient
from mmp_devstack.config import Ports, StackConfig
from mmp_devstack.stack import Stack

E2E_PORTS = Ports.shifted(10_000)
"""Beside a developer's `mmp up`, never on its ports."""
REPO_CACHE = Path(__file__).resolve().parents[2] / ".mmp"
"""Kafka's jars and the FerretDB binary, shared with `mmp up` so neither is made again for the tests."""


@pytest.fixture(scope="session")
def stack_config() -> Iterator[StackConfig]:
    with tempfile.TemporaryDirectory(prefix="mmp-e2e-") as workdir:
        yield StackConfig(
            ports=E2E_PORTS,
            admin_token="e2e-admin-token-7f3a",
            workdir=Path(workdir),
            cache=REPO_CACHE,
            broker=os.environ.get("MMP_E2E_BROKER", "tansu"),
            store=os.environ.get("MMP_E2E_STORE", "sqlite"),
            mongo_url=os.environ.get("MMP_MONGO_URL"),
        )


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
