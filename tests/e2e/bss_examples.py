"""The BSS integration examples of docs/examples, run as an integrator runs them, and what their tests share."""

import asyncio
import json
import random
import re
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from confluent_kafka import Consumer, TopicPartition

from mmp_devstack.client import MmpClient, poll
from mmp_devstack.config import StackConfig
from mmp_devstack.infra import kafka
from mmp_devstack.scenarios import canonical_command, customer

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".mmp"
"""Kafka's jars, shared with `mmp up` and the e2e stack."""
EXAMPLES = REPO / "docs" / "examples"
PYTHON_EXAMPLE = EXAMPLES / "python" / "create_customer.py"
KCAT_EXAMPLE = EXAMPLES / "kcat" / "create-customer.sh"
JAVA_EXAMPLE = EXAMPLES / "java" / "pom.xml"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
"""Maven 3.8 colours its output even in batch mode."""


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def result(self) -> dict[str, Any]:
        """The one JSON line the Python and Java examples print last (Maven may print around it)."""
        lines = [ANSI.sub("", line) for line in self.stdout.splitlines()]
        [*_, last] = [line for line in lines if line.startswith("{")]
        return dict(json.loads(last))

    def __str__(self) -> str:
        return f"exit {self.returncode}\n--- stdout\n{self.stdout[-3000:]}\n--- stderr\n{self.stderr[-3000:]}"


async def run(argv: list[str], env: dict[str, str] | None = None, seconds: float = 180) -> Run:
    def blocking() -> Run:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=seconds, check=False)
        return Run(done.returncode, done.stdout, done.stderr)

    return await asyncio.to_thread(blocking)


async def finished_task(client: MmpClient, task_id: str, seconds: float = 30) -> dict[str, Any]:
    """`GET /api/v1/tasks/{id}` once the task has ended; 404 until customer-svc has read the command."""

    async def fetch() -> dict[str, Any] | None:
        try:
            return await client.task(task_id)
        except httpx.HTTPStatusError as error:
            if error.response.status_code != 404:
                raise
            return None

    task: dict[str, Any] = await poll(fetch, lambda t: t is not None and t["status"] != "PENDING", seconds)
    return task


def python_example(*args: str) -> list[str]:
    return [sys.executable, str(PYTHON_EXAMPLE), *args]


def command_id() -> str:
    """Of the form a BSS might use: its own order number, no UUID."""
    return f"bss-order-{secrets.randbelow(10**9)}"


def unique_command(tag: str) -> dict[str, Any]:
    """The canonical CreateCustomer with a WebID, first user and DIDs no other customer of the run holds."""
    data = customer(random.randrange(1, 9_000_000), f"{tag}{secrets.token_hex(2)}-")
    return canonical_command() | {"id": command_id(), "data": data}


def librdkafka_sasl_ssl(config: StackConfig, mechanism: str | None = None) -> dict[str, str]:
    """What a BSS on librdkafka (confluent-kafka, kcat) sets for the stack's SASL_SSL listener."""
    settings = kafka.sasl_ssl_settings(config, mechanism)
    return {
        "security.protocol": "SASL_SSL",
        "sasl.mechanisms": settings["MMP_KAFKA_SASL_MECHANISM"],
        "sasl.username": settings["MMP_KAFKA_SASL_USERNAME"],
        "sasl.password": settings["MMP_KAFKA_SASL_PASSWORD"],
        "ssl.ca.location": settings["MMP_KAFKA_CA_FILE"],
    }


def as_options(settings: dict[str, str]) -> list[str]:
    """librdkafka settings as `-X name=value` options (the Python example's and kcat's)."""
    return [option for name, value in settings.items() for option in ("-X", f"{name}={value}")]


def records_of_task(
    bootstrap: str, topic: str, task_id: str, seconds: float = 30, settings: dict[str, str] | None = None
) -> list[tuple[dict[str, Any], dict[str, bytes]]]:
    """Every event of the task on the topic, each with its Kafka headers, once its TaskCompleted or TaskFailed is
    there; read from the beginning."""
    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": f"e2e-{secrets.token_hex(4)}", **(settings or {})}
        | {"enable.auto.commit": False}
    )
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
        found: list[tuple[dict[str, Any], dict[str, bytes]]] = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            record = consumer.poll(0.2)
            if record is None or record.error() is not None:
                continue
            event = json.loads(record.value())
            if event.get("correlationid") != task_id:
                continue
            found.append((event, dict(record.headers() or [])))
            if event["type"] in ("TaskCompleted", "TaskFailed"):
                return found
        raise AssertionError(f"task {task_id} did not end on {topic} within {seconds} s: {found}")
    finally:
        consumer.close()
