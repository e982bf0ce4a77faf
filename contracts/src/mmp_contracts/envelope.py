"""The CloudEvents 1.0 envelope (structured JSON mode) around every message."""

import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny, model_validator

from mmp_contracts.base import Message
from mmp_contracts.registry import MESSAGE_TYPES, upcast

_SCHEMA_URN = re.compile(r"^urn:mmp:schema:(?P<type>\w+):(?P<version>\d+)$")


class CloudEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    specversion: Literal["1.0"] = "1.0"
    id: uuid.UUID
    source: str = Field(min_length=1)
    type: str
    time: datetime
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str
    correlationid: str | None = None
    causationid: str | None = None
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

    @classmethod
    def wrap(cls, message: Message, *, source: str, correlationid: str | None, causationid: str | None = None) -> Self:
        return cls(
            id=uuid.uuid4(),
            source=source,
            type=message.type_name(),
            time=datetime.now(UTC),
            dataschema=message.schema_urn(),
            correlationid=correlationid,
            causationid=causationid,
            data=message,
        )

    def to_json(self) -> bytes:
        """Absent optional attributes are left out of the envelope; `data` keeps its nulls."""
        attributes = self.model_dump(mode="json")
        return json.dumps({name: value for name, value in attributes.items() if value is not None}).encode()
