"""The whole system over SASL_SSL: the services get only the secured listener and their `MMP_KAFKA_*` settings for
it (SCRAM-SHA-512, the stack's CA), and a BSS on the same listener creates a customer through the full saga."""

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
from bss_examples import CACHE, as_options, finished_task, librdkafka_sasl_ssl, python_example, run

from mmp_devstack.client import MmpClient
from mmp_devstack.config import Ports, SaslSsl, StackConfig
from mmp_devstack.infra import kafka
from mmp_devstack.stack import SERVICES, Stack

pytestmark = pytest.mark.e2e

STACK_PORTS = Ports.shifted(14_500)
"""Beside the e2e stack (10_000) and the lone secured broker (12_000), on none of their ports."""


@pytest.fixture(scope="module")
def secured_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    config = StackConfig(
        ports=STACK_PORTS,
        workdir=tmp_path_factory.mktemp("stack-sasl-ssl"),
        cache=CACHE,
        broker="kafka",
        kafka_sasl_ssl=SaslSsl(),
    )
    stack = Stack(config)
    try:
        asyncio.run(stack.start())
        yield stack
    except BaseException:
        for process in stack.processes:
            print(f"--- {process.name}\n{process.tail(40)}")
        raise
    finally:
        stack.stop()


@pytest.fixture
async def secured_client(secured_stack: Stack) -> AsyncIterator[MmpClient]:
    client = MmpClient(secured_stack.config)
    yield client
    await client.close()


def test_every_service_reaches_kafka_only_over_sasl_ssl(secured_stack: Stack) -> None:
    config = secured_stack.config
    for service in SERVICES:
        env = secured_stack.process(service).env
        assert env["MMP_KAFKA_BOOTSTRAP"] == kafka.sasl_ssl_bootstrap(config) != config.bootstrap
        assert env["MMP_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
        assert env["MMP_KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
        assert env["MMP_KAFKA_CA_FILE"] == str(kafka.tls_files(config).ca)


async def test_a_bss_on_sasl_ssl_creates_an_active_customer_through_the_whole_saga(
    secured_stack: Stack, secured_client: MmpClient
) -> None:
    config = secured_stack.config
    options = as_options(librdkafka_sasl_ssl(config))
    done = await run(python_example("--bootstrap", kafka.sasl_ssl_bootstrap(config), "--unique", *options))
    assert done.returncode == 0, done
    result = done.result
    assert result["events"] == ["CustomerRequested", "CustomerActivated", "TaskCompleted"]
    task = await finished_task(secured_client, result["task_id"])
    assert task["status"] == "COMPLETED"
    record = await secured_client.customer(result["customer_id"])
    assert record["status"] == "ACTIVE"
    assert [s["step"] for s in record["steps"]][:4] == [
        "customer record stored",
        "MiVoice Business and MBG configured",
        "MiCollab tenant and bundles created",
        "customer active",
    ]
