"""A BSS creating a customer: CreateCustomer on customer.commands, then the outcome of its task on customer.events.

    python docs/examples/python/create_customer.py --unique                   # against `make up` (127.0.0.1:9092)
    python docs/examples/python/create_customer.py --mode structured --id bss-order-4711
    python docs/examples/python/create_customer.py --unique \\
        -X security.protocol=SASL_SSL -X sasl.mechanisms=SCRAM-SHA-512 \\
        -X sasl.username=bss -X sasl.password=... -X ssl.ca.location=ca.pem --bootstrap kafka-1:9094

It reads the canonical command (contracts/src/mmp_contracts/examples/create-customer.json, or --command FILE),
gives it the command id (--id: any string unique to this order; without one, `bss-order-<random>`), and publishes
it keyed by the customer's WebID:
- `--mode binary` (the default): the attributes as `ce_*` headers and the data as the value, made by the CloudEvents
  SDK's Kafka binding (`pip install cloudevents`, 2.x: `to_binary_event`);
- `--mode structured`: the whole event as the JSON value, `content-type: application/cloudevents+json`.

The command's task is its `correlationid` if it carries one (--correlation-id), its `id` otherwise. Every event of
the saga carries that task id as `correlationid`; the example prints them as they come and stops at the task's end,
`TaskCompleted` or `TaskFailed`, which follows the outcome itself: `CustomerActivated`, or `CustomerRejected` (the
rules broken, field by field), `CustomerFailed` or `CustomerRollbackFailed`. It then prints one JSON line on
stdout and exits 0 if the customer is active, 1 if not, 2 if no outcome came in time (a command id used before has
no second outcome: `GET /api/v1/tasks/{id}` shows the first).

--unique gives the customer a WebID, first user and DID range of its own, so the example can run again and again
on one stack (the canonical WebID, `harbour-dental`, is free only once). `-X name=value` passes any librdkafka
setting (security, as above) to the producer and the consumer alike.
"""

import argparse
import json
import secrets
import sys
import time
from pathlib import Path
from typing import Any

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition

COMMANDS = "customer.commands"
EVENTS = "customer.events"
CANONICAL = Path(__file__).resolve().parents[3] / "contracts/src/mmp_contracts/examples/create-customer.json"
TASK_ENDS = ("TaskCompleted", "TaskFailed")
OUTCOMES = ("CustomerActivated", "CustomerRejected", "CustomerFailed", "CustomerRollbackFailed")


def command_event(command: dict[str, Any], command_id: str, correlation_id: str | None = None) -> dict[str, Any]:
    """The CloudEvent to send: the canonical one with this id, and the correlation id if there is one."""
    event = {name: value for name, value in command.items() if name not in ("id", "time", "correlationid")}
    event["id"] = command_id
    if correlation_id:
        event["correlationid"] = correlation_id
    return event


def made_unique(event: dict[str, Any]) -> dict[str, Any]:
    """A WebID, first user and DID range no other customer of the group holds (R6, R11, R12)."""
    tag = secrets.token_hex(3)
    number = 6_100_000_000 + secrets.randbelow(90_000) * 100
    data = json.loads(json.dumps(event["data"]))
    data["details"] |= {"webid": f"bss-{tag}", "name": f"BSS example {tag}"}
    data["first_user"] |= {"username": f"user-{tag}", "email": f"admin@{tag}.example"}
    data["did_ranges"] = [{"start": str(number), "end": str(number + 19)}]
    return {**event, "data": data}


def kafka_record(event: dict[str, Any], mode: str) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """Key, value and headers of the record: customer.commands is keyed by the WebID (per-customer order)."""
    webid = event["data"]["details"]["webid"]
    if mode == "structured":
        return webid.encode(), json.dumps(event).encode(), [("content-type", b"application/cloudevents+json")]
    from cloudevents.core.bindings.kafka import to_binary_event  # the CloudEvents SDK, 2.x
    from cloudevents.core.v1.event import CloudEvent

    # `time` is left to the SDK (now); the `partitionkey` extension becomes the record's key
    attributes = {name: value for name, value in event.items() if name not in ("data", "time")}
    message = to_binary_event(CloudEvent(attributes=attributes | {"partitionkey": webid}, data=event["data"]))
    key = message.key.encode() if isinstance(message.key, str) else message.key or b""
    return key, message.value, list(message.headers.items())


def create_customer(
    bootstrap: str,
    event: dict[str, Any],
    mode: str = "binary",
    settings: dict[str, str] | None = None,
    timeout: float = 60.0,
) -> list[dict[str, Any]]:
    """Publishes the command, then returns the events of its task up to its end (empty if none came in time)."""
    common = {"bootstrap.servers": bootstrap, **(settings or {})}
    task_id = event.get("correlationid") or event["id"]
    consumer = Consumer(common | {"group.id": f"bss-example-{secrets.token_hex(4)}", "enable.auto.commit": False})
    try:
        # Read from the end as it is before the command goes out, so its outcome cannot be missed. A BSS in
        # production keeps one consumer group on customer.events instead and matches events to its orders.
        metadata = consumer.list_topics(EVENTS, timeout=10).topics[EVENTS]
        if metadata.error is not None:
            raise KafkaException(metadata.error)
        partitions = [TopicPartition(EVENTS, p) for p in sorted(metadata.partitions)]
        for partition in partitions:
            partition.offset = consumer.get_watermark_offsets(partition, timeout=10)[1]
        consumer.assign(partitions)

        key, value, headers = kafka_record(event, mode)
        producer = Producer(common)
        producer.produce(COMMANDS, key=key, value=value, headers=headers)
        if producer.flush(30) != 0:
            raise KafkaException("the broker did not take the command")
        print(f"sent {event['type']} {event['id']} ({mode} mode), task {task_id}", file=sys.stderr)

        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            record = consumer.poll(0.5)
            if record is None:
                continue
            if record.error() is not None:
                raise KafkaException(record.error())
            try:
                outcome = json.loads(record.value())
            except ValueError:
                continue  # not ours: every event customer-svc publishes is structured JSON
            if not isinstance(outcome, dict) or outcome.get("correlationid") != task_id:
                continue  # another task's event
            seen.append(outcome)
            print(f"  {outcome['type']}: {json.dumps(outcome['data'])[:200]}", file=sys.stderr)
            if outcome["type"] in TASK_ENDS and outcome["data"]["task_id"] == task_id:
                return seen
        return []
    finally:
        consumer.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--mode", choices=("binary", "structured"), default="binary")
    parser.add_argument("--id", default=None, help="the command id: any string unique to the order")
    parser.add_argument("--correlation-id", default=None, help="names the task; the command id does without it")
    parser.add_argument("--command", type=Path, default=CANONICAL, help="a CreateCustomer CloudEvent (JSON)")
    parser.add_argument("--unique", action="store_true", help="a WebID, first user and DIDs of its own")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("-X", dest="settings", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()

    command_id = args.id or f"bss-order-{secrets.randbelow(10**9)}"
    event = command_event(json.loads(args.command.read_text()), command_id, args.correlation_id)
    if args.unique:
        event = made_unique(event)
    settings = dict(setting.split("=", 1) for setting in args.settings)
    seen = create_customer(args.bootstrap, event, args.mode, settings, args.timeout)
    if not seen:
        task_id = event.get("correlationid") or event["id"]
        print(f"no outcome within {args.timeout:.0f} s: GET /api/v1/tasks/{task_id} tells", file=sys.stderr)
        return 2
    outcome = next((e for e in seen if e["type"] in OUTCOMES), seen[-1])
    result = {
        "task_id": seen[-1]["data"]["task_id"],
        "customer_id": seen[-1]["data"]["customer_id"],
        "webid": event["data"]["details"]["webid"],
        "outcome": outcome["type"],
        "data": outcome["data"],
        "events": [e["type"] for e in seen],
    }
    print(json.dumps(result))
    return 0 if outcome["type"] == "CustomerActivated" and seen[-1]["type"] == "TaskCompleted" else 1


if __name__ == "__main__":
    sys.exit(main())
