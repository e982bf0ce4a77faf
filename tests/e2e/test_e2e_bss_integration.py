"""A BSS's side of docs/integration.md, on the real broker: the CloudEvents SDK in binary mode with an id of the
BSS's own form, the Python example in both modes, the outcome events of a task and their headers, and a refusal."""

import asyncio
import json
import re

import pytest
from bss_examples import command_id, finished_task, python_example, records_of_task, run, unique_command
from cloudevents.core.bindings.kafka import to_binary
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from confluent_kafka import Producer

from mmp_contracts import topics
from mmp_devstack.client import MmpClient

pytestmark = pytest.mark.e2e

TRACEPARENT = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")


async def test_a_bss_on_the_cloudevents_sdk_in_binary_mode_with_its_own_ids_creates_an_active_customer(
    client: MmpClient,
) -> None:
    """The issue's Done-when: `to_binary` of the CloudEvents SDK, published with confluent-kafka, `bss-order-<n>`."""
    command = unique_command("sdk")
    order = command_id()
    event = CloudEvent(
        attributes={
            "id": order,
            "source": "bss/order-management",
            "type": "CreateCustomer",
            "dataschema": "urn:mmp:schema:CreateCustomer:1",
            "datacontenttype": "application/json",
            "partitionkey": command["data"]["details"]["webid"],
        },
        data=command["data"],
    )
    message = to_binary(event, JSONFormat())
    assert message.headers["ce_id"] == order.encode()
    assert message.headers["content-type"] == b"application/json"
    assert json.loads(message.value) == command["data"], "binary mode: the value is the data alone"
    producer = Producer({"bootstrap.servers": client.config.bootstrap})
    producer.produce(topics.CUSTOMER_COMMANDS, key=message.key, value=message.value, headers=message.headers)
    assert producer.flush(10) == 0

    task = await finished_task(client, order)  # without a correlation id, the command's id names its task
    assert task["status"] == "COMPLETED", task
    assert task["kind"] == "create"
    record = await client.customer(task["customer_id"])
    assert record["status"] == "ACTIVE", record
    assert record["webid"] == command["data"]["details"]["webid"]

    events = await asyncio.to_thread(records_of_task, client.config.bootstrap, topics.CUSTOMER_EVENTS, order)
    assert [e["type"] for e, _ in events] == ["CustomerRequested", "CustomerActivated", "TaskCompleted"]
    for published, headers in events:
        assert published["data"]["task_id"] == order
        assert published["source"] == "mmp/customer-svc"
        assert headers["content-type"] == b"application/cloudevents+json", "we publish in structured mode"
        assert headers["correlationid"] == order.encode()
        assert TRACEPARENT.match(headers["traceparent"].decode()), headers
    requested = events[0][0]
    assert requested["causationid"] == order, "the command caused the first event"
    assert requested["data"]["customer_id"] == task["customer_id"]


@pytest.mark.parametrize("mode", ["binary", "structured"])
async def test_the_python_example_creates_an_active_customer_and_reads_its_outcome(
    client: MmpClient, mode: str
) -> None:
    done = await run(python_example("--bootstrap", client.config.bootstrap, "--mode", mode, "--unique"))
    assert done.returncode == 0, done
    result = done.result
    assert result["outcome"] == "CustomerActivated", done
    assert result["events"] == ["CustomerRequested", "CustomerActivated", "TaskCompleted"]
    assert result["data"]["webid"] == result["webid"]
    assert result["task_id"].startswith("bss-order-")
    task = await client.task(result["task_id"])
    assert task["status"] == "COMPLETED"
    assert (await client.customer(result["customer_id"]))["status"] == "ACTIVE"


async def test_a_correlation_id_names_the_task(client: MmpClient) -> None:
    order = command_id()
    done = await run(
        python_example(
            "--bootstrap", client.config.bootstrap, "--unique", "--id", f"{order}-create", "--correlation-id", order
        )
    )
    assert done.returncode == 0, done
    assert done.result["task_id"] == order
    task = await client.task(order)
    assert task["status"] == "COMPLETED"
    assert task["customer_status"] == "ACTIVE"


async def test_a_command_that_breaks_a_rule_is_rejected_as_events_naming_field_and_rule(
    client: MmpClient, tmp_path
) -> None:
    command = unique_command("bad")
    command["data"]["details"]["webid"] = "Not A WebID"  # R6
    command["data"]["platform"]["extension_length"] = 9  # R7
    path = tmp_path / "command.json"
    path.write_text(json.dumps(command))
    order = command_id()
    done = await run(python_example("--bootstrap", client.config.bootstrap, "--command", str(path), "--id", order))
    assert done.returncode == 1, done
    result = done.result
    assert result["outcome"] == "CustomerRejected"
    assert result["events"] == ["CustomerRejected", "TaskFailed"]
    violations = {(v["field"], v["rule"]) for v in result["data"]["violations"]}
    assert {("details.webid", "R6"), ("platform.extension_length", "R7")} <= violations
    assert (await client.task(order))["status"] == "FAILED"
    record = await client.customer(result["customer_id"])
    assert record["status"] == "REJECTED"
    assert {(v["field"], v["rule"]) for v in record["violations"]} == violations
