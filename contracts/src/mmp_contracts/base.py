"""What every message shares: its name, its topic, its schema version."""

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field


class Message(BaseModel):
    """A command or an event. The class name is the CloudEvents `type`."""

    model_config = ConfigDict(frozen=True)

    topic: ClassVar[str]
    schema_version: ClassVar[int] = 1

    @classmethod
    def type_name(cls) -> str:
        return cls.__name__

    @classmethod
    def schema_urn(cls) -> str:
        return f"urn:mmp:schema:{cls.type_name()}:{cls.schema_version}"

    def partition_key(self) -> str:
        """Messages with the same key keep their order: the customer id on event topics."""
        raise NotImplementedError


class Command(Message):
    """Inbound request: strict, so a misspelt field is an error rather than silently dropped."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Event(Message):
    """Outbound fact: tolerant, so readers keep working when a producer adds a field."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Violation(BaseModel):
    """A broken rule, named so the caller can fix the field."""

    model_config = ConfigDict(frozen=True)

    field: str
    rule: str
    message: str
    conflict: bool = Field(default=False, exclude_if=lambda held: not held)
    """The value is valid but held by someone else (a WebID, DID numbers): 409 rather than 422. Left out
    of the JSON when false, so a violation reads as field, rule and message."""
