"""The CloudEvents 1.0 envelope around every message, in either mode of the Kafka protocol binding.

Structured mode: the whole event is the JSON value. Binary mode: the attributes travel as `ce_*` headers, the
data is the value and `content-type` its media type (what the `cloudevents` SDK's `to_binary` produces). Every
valid CloudEvents 1.0 event is taken: an id of any form (unique per source), `time` optional, and any JSON media
type, parameters included. We publish in structured mode.
"""

import json
import re
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny, field_validator, model_validator

from mmp_contracts.base import Message
from mmp_contracts.registry import MESSAGE_TYPES, upcast

BINARY_MODE_MARK = "ce_specversion"
"""The header that says a record is in binary mode."""
_SCHEMA_URN = re.compile(r"^urn:mmp:schema:(?P<type>\w+):(?P<version>\d+)$")


class CloudEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(min_length=1)
    source: str = Field(min_length=1)
    type: str
    time: datetime | None = None
    datacontenttype: str = "application/json"
    dataschema: str
    correlationid: str | None = None
    causationid: str | None = None
    traceparent: str | None = None
    """The W3C trace context of the span that made the event (CloudEvents distributed-tracing extension)."""
    data: SerializeAsAny[Message]

    @model_validator(mode="before")
    @classmethod
    def _typed_data(cls, raw: Any) -> Any:
        """Validate `data` as the model its `type` names, upcasting older schema versions first."""
        if not isinstance(raw, dict) or isinstance(raw.get("data"), Message):
            return raw
        message_class = MESSAGE_TYPES.get(str(raw.get("type")))
        if message_class is None:
            raise ValueError(f"type: unknown message type {raw.get('type')!r}")
        match = _SCHEMA_URN.match(str(raw.get("dataschema", "")))
        version = int(match["version"]) if match else message_class.schema_version
        if not 1 <= version <= message_class.schema_version:
            raise ValueError(f"dataschema: no version {version} of {message_class.type_name()}")
        data = raw.get("data")
        if not isinstance(data, dict):
            raise ValueError("data: a JSON object is required")
        data = upcast(message_class.type_name(), version, data)
        return {**raw, "data": message_class.model_validate(data), "dataschema": message_class.schema_urn()}

    @field_validator("datacontenttype")
    @classmethod
    def _json_data(cls, value: str) -> str:
        media = value.split(";")[0].strip().lower()
        if media != "application/json" and not media.endswith("+json"):
            raise ValueError(f"datacontenttype: data must be JSON, not {media!r}")
        return value

    @classmethod
    def from_kafka(cls, value: bytes, headers: Sequence[tuple[str, bytes]] = ()) -> Self:
        """The event of a Kafka record, in whichever mode it was sent."""
        named = {name.lower(): raw for name, raw in headers}
        if BINARY_MODE_MARK not in named:
            return cls.model_validate_json(value)
        attributes: dict[str, Any] = {
            name.removeprefix("ce_"): raw.decode() for name, raw in named.items() if name.startswith("ce_")
        }
        if "content-type" in named:
            attributes["datacontenttype"] = named["content-type"].decode()
        return cls.model_validate({**attributes, "data": json.loads(value)})

    @property
    def key(self) -> str:
        """What makes it unique (CloudEvents: `source` + `id`), the idempotency key of its consumers."""
        return f"{self.source} {self.id}"

    @classmethod
    def wrap(
        cls,
        message: Message,
        *,
        source: str,
        correlationid: str | None,
        causationid: str | None = None,
        traceparent: str | None = None,
    ) -> Self:
        return cls(
            id=str(uuid.uuid4()),
            source=source,
            type=message.type_name(),
            time=datetime.now(UTC),
            dataschema=message.schema_urn(),
            correlationid=correlationid,
            causationid=causationid,
            traceparent=traceparent,
            data=message,
        )

    def to_json(self) -> bytes:
        """Absent optional attributes are left out of the envelope; `data` keeps its nulls."""
        attributes = self.model_dump(mode="json")
        return json.dumps({name: value for name, value in attributes.items() if value is not None}).encode()
