"""The kcat and Java examples of docs/examples create an active customer and read its outcome, as a BSS would."""

import json
import os
import shutil

import pytest
from bss_examples import JAVA_EXAMPLE, KCAT_EXAMPLE, command_id, finished_task, run, unique_command

from mmp_devstack.client import MmpClient
from mmp_devstack.config import StackConfig

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", autouse=True)
def on_apache_kafka(stack_config: StackConfig) -> None:
    assert stack_config.broker == "kafka", "kcat and kafka-clients need Apache Kafka: set MMP_E2E_BROKER=kafka"


def tool(name: str, install: str) -> str:
    path = shutil.which(name)
    assert path is not None, f"MMP_E2E_EXAMPLES=1 needs `{name}` on PATH: {install}"
    return path


@pytest.mark.parametrize("mode", ["binary", "structured"])
async def test_the_kcat_example_creates_an_active_customer(client: MmpClient, tmp_path, mode: str) -> None:
    tool("kcat", "apt-get install kcat")
    tool("jq", "apt-get install jq")
    command = tmp_path / "command.json"
    command.write_text(json.dumps(unique_command("kcat")))
    order = command_id()
    env = {**os.environ, "BOOTSTRAP": client.config.bootstrap, "COMMAND": str(command)}
    done = await run(["bash", str(KCAT_EXAMPLE), mode, order], env)
    assert done.returncode == 0, done
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert [e["type"] for e in events] == ["CustomerRequested", "CustomerActivated", "TaskCompleted"], done
    task = await finished_task(client, order)
    assert task["status"] == "COMPLETED", task
    assert task["customer_status"] == "ACTIVE", task


@pytest.mark.parametrize("mode", ["structured", "binary"])
async def test_the_java_example_creates_an_active_customer(client: MmpClient, mode: str) -> None:
    mvn = tool("mvn", "Java 17+ and Maven (apt-get install maven)")
    order = command_id()
    arguments = f"-bootstrap {client.config.bootstrap} -unique -mode {mode} -id {order}"
    argv = [mvn, "-q", "-B", "-Dstyle.color=never", "-f", str(JAVA_EXAMPLE), "compile", "exec:java"]
    done = await run([*argv, f"-Dexec.args={arguments}"], seconds=600)
    assert done.returncode == 0, done
    result = done.result
    assert result["task_id"] == order, done
    assert result["outcome"] == "CustomerActivated", done
    assert result["events"] == ["CustomerRequested", "CustomerActivated", "TaskCompleted"]
    assert (await client.customer(result["customer_id"]))["status"] == "ACTIVE"
