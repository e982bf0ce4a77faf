"""A service's AsyncAPI 3.0 document, generated from the contracts: every message it receives and sends,
each a CloudEvent whose `data` has the message's JSON Schema, with an example about the canonical customer."""

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from pydantic.json_schema import models_json_schema

from mmp_contracts import CloudEvent, Message, examples, topics
from mmp_contracts.base import Command

REF = "#/components/schemas/{model}"
EXAMPLE_IDS = uuid.UUID("5d0c7c1e-2f5b-4f0e-9a43-8d1f3b7e6a21")
EXAMPLE_TIME = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
"""Examples are the same from one generation to the next, so the committed documents show every real change."""
KEYS = {
    topics.CUSTOMER_COMMANDS: "the customer's WebID: commands about one customer stay in order",
}
CUSTOMER_KEY = "the customer id (the platform group id for platform group events): per-customer order"


def document(service: str, receives: Iterable[type[Message]], sends: Iterable[type[Message]]) -> dict[str, Any]:
    received = sorted(set(receives), key=lambda cls: cls.type_name())
    sent = sorted(set(sends), key=lambda cls: cls.type_name())
    every = sorted({*received, *sent}, key=lambda cls: cls.type_name())
    _, schemas = models_json_schema([(cls, "validation") for cls in every], ref_template=REF)
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for action, messages in (("receive", received), ("send", sent)):
        for cls in messages:
            channel = channels.setdefault(_name(cls.topic), {"address": cls.topic, "messages": {}})
            channel["messages"][cls.type_name()] = {"$ref": f"#/components/messages/{cls.type_name()}"}
            operations[f"{action}{cls.type_name()}"] = {
                "action": action,
                "channel": {"$ref": f"#/channels/{_name(cls.topic)}"},
                "messages": [{"$ref": f"#/channels/{_name(cls.topic)}/messages/{cls.type_name()}"}],
                "summary": _summary(cls),
            }
    for topic in sorted({cls.topic for cls in received}):
        dead = topics.dead_letter(topic)
        channels[_name(dead)] = {
            "address": dead,
            "messages": {"DeadLetter": {"$ref": "#/components/messages/DeadLetter"}},
        }
        operations[f"send{_name(dead).title().replace('_', '')}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{_name(dead)}"},
            "messages": [{"$ref": f"#/channels/{_name(dead)}/messages/DeadLetter"}],
            "summary": f"A message of {topic} that could not be handled, parked as it came, with the reason.",
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": f"{service} messages",
            "version": "1.0.0",
            "description": f"What {service} reads and publishes on Kafka. Every message is a CloudEvents 1.0 "
            "event (structured or binary mode of the Kafka binding), its `type` the message name.",
        },
        "defaultContentType": "application/cloudevents+json",
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": {cls.type_name(): _message(cls) for cls in every} | {"DeadLetter": DEAD_LETTER},
            "schemas": schemas.get("$defs", {}),
        },
    }


def _message(cls: type[Message]) -> dict[str, Any]:
    example = CloudEvent.wrap(examples.of(cls), source=_source(cls), correlationid=examples.TASK_ID).model_copy(
        update={"id": str(uuid.uuid5(EXAMPLE_IDS, cls.type_name())), "time": EXAMPLE_TIME}
    )
    return {
        "name": cls.type_name(),
        "title": cls.type_name(),
        "summary": _summary(cls),
        "contentType": "application/cloudevents+json",
        "payload": _envelope(cls),
        "bindings": {"kafka": {"key": {"type": "string", "description": KEYS.get(cls.topic, CUSTOMER_KEY)}}},
        "examples": [{"name": cls.type_name(), "payload": example.model_dump(mode="json", exclude_none=True)}],
    }


def _envelope(cls: type[Message]) -> dict[str, Any]:
    text = {"type": "string"}
    return {
        "type": "object",
        "required": ["specversion", "id", "source", "type", "data"],
        "properties": {
            "specversion": {"const": "1.0"},
            "id": {**text, "description": "unique per source; with `source`, the idempotency key"},
            "source": text,
            "type": {"const": cls.type_name()},
            "time": {"type": "string", "format": "date-time"},
            "datacontenttype": {**text, "description": "a JSON media type; application/json if absent"},
            "dataschema": {"const": cls.schema_urn()},
            "correlationid": {**text, "description": "the task the message belongs to"},
            "causationid": {**text, "description": "the id of the message that caused this one"},
            "data": {"$ref": REF.format(model=cls.type_name())},
        },
    }


def _summary(cls: type[Message]) -> str:
    doc = (cls.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
    kind = "Command" if issubclass(cls, Command) else "Event"
    return doc or f"{kind} {cls.type_name()} on {cls.topic}."


def _source(cls: type[Message]) -> str:
    return "bss/order-management" if issubclass(cls, Command) else f"mmp/{cls.topic.split('.')[0]}-svc"


def _name(topic: str) -> str:
    return topic.replace(".", "_")


DEAD_LETTER: dict[str, Any] = {
    "name": "DeadLetter",
    "title": "DeadLetter",
    "summary": "A message parked after its handler failed every retry, or at once when it cannot be parsed.",
    "contentType": "application/octet-stream",
    "headers": {
        "type": "object",
        "properties": {
            "x-error": {"type": "string", "description": "why it was parked"},
            "x-truncated-from": {"type": "string", "description": "its size, when only its start is kept"},
        },
    },
    "payload": {"type": "string", "description": "the message exactly as it came (its first 900,000 bytes)"},
}


def markdown(doc: dict[str, Any]) -> str:
    """The document as a page to read: what is received and sent, each message's fields and an example."""
    messages, schemas = doc["components"]["messages"], doc["components"]["schemas"]
    lines = [f"# {doc['info']['title']}", "", doc["info"]["description"], ""]
    for action, heading in (("receive", "Receives"), ("send", "Sends")):
        lines += [f"## {heading}", "", "| message | topic | what |", "|---|---|---|"]
        for operation in sorted(doc["operations"].values(), key=lambda op: op["messages"][0]["$ref"]):
            if operation["action"] == action:
                name = operation["messages"][0]["$ref"].rsplit("/", 1)[-1]
                topic = doc["channels"][operation["channel"]["$ref"].rsplit("/", 1)[-1]]["address"]
                lines.append(f"| [{name}](#{name.lower()}) | `{topic}` | {operation['summary']} |")
        lines.append("")
    lines += ["## Messages", ""]
    for name, message in sorted(messages.items()):
        lines += [f"### {name}", "", message["summary"], ""]
        key = message.get("bindings", {}).get("kafka", {}).get("key", {}).get("description")
        if key:
            lines += [f"Kafka key: {key}.", ""]
        schema = schemas.get(name)
        if schema:
            lines += ["| field | type | required |", "|---|---|---|"]
            required = set(schema.get("required", ()))
            for field, spec in schema.get("properties", {}).items():
                lines.append(f"| `{field}` | {_type(spec)} | {'yes' if field in required else ''} |")
            lines.append("")
        for example in message.get("examples", ()):
            lines += ["```json", json.dumps(example["payload"], indent=2), "```", ""]
    return "\n".join(lines)


def _type(spec: dict[str, Any]) -> str:
    if "$ref" in spec:
        return str(spec["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in spec:
        return " or ".join(_type(option) for option in spec["anyOf"])
    if spec.get("type") == "array":
        return f"list of {_type(spec.get('items', {}))}"
    if "enum" in spec:
        return " \\| ".join(f"`{value}`" for value in spec["enum"])
    return str(spec.get("type", "any"))
