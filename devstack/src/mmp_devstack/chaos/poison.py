"""Poison of every kind on every consumed topic. Each message's key names it (`poison-<tag>-<round>-<kind>`), so its
dead letters are found again: a poison message must be parked by the readers that cannot parse it (or skipped,
when it is another reader's type on a shared event topic), never block its partition, never be replayed."""

import json
from dataclasses import dataclass

from mmp_contracts import topics
from mmp_devstack.chaos.api import Commands

KNOWN_TYPES = {
    topics.CUSTOMER_COMMANDS: ("CreateCustomer",),
    topics.CUSTOMER_EVENTS: ("CustomerDeletionRequested", "CustomerActivated"),
    topics.PLATFORM_EVENTS: ("PlatformAssigned",),
    topics.MICOLLAB_EVENTS: ("MiCollabProvisioningFailed",),
    topics.NOTIFY_EVENTS: ("WelcomeMailSent",),
}
"""Types some reader of the topic handles (between them, every reader): their data made invalid is poison to it."""
BIG = 921_600
"""900 KB: more than a dead letter keeps (900,000 bytes), so it is parked cut short and can never be replayed."""
DEPTH = 100_000


KINDS = (
    "not-json",
    "json-not-cloudevent",
    "json-array",
    "unknown-type",
    "invalid-data",
    "nested-arrays",
    "900kb",
    "binary-no-id",
    "binary-no-type",
    "binary-header-not-utf8",
)
"""Every kind, by the name `--poison-except` takes."""


@dataclass(frozen=True)
class Poison:
    topic: str
    kind: str
    key: str
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()

    @property
    def parked_by_some_reader(self) -> bool:
        """Every kind is parked on the command topic; on an event topic a type nobody reads is skipped."""
        skipped = self.kind in ("unknown-type", "binary-header-not-utf8")
        return self.topic == topics.CUSTOMER_COMMANDS or not skipped


def event(kind: str, data: object, message_id: str) -> bytes:
    envelope = {"specversion": "1.0", "id": message_id, "source": "chaos/poison", "type": kind, "data": data}
    return json.dumps(envelope).encode()


def poisons(tag: str, round_: int, left_out: tuple[str, ...] = ()) -> list[Poison]:
    made: list[Poison] = []
    for topic in topics.ALL:
        prefix = f"poison-{tag}-{round_}"

        def add(
            kind: str,
            value: bytes,
            headers: tuple[tuple[str, bytes], ...] = (),
            topic: str = topic,
            prefix: str = prefix,
            number: int = 0,
        ) -> None:
            if kind not in left_out:
                made.append(Poison(topic, kind, f"{prefix}-{kind}-{number}", value, headers))

        known = KNOWN_TYPES[topic]
        add("not-json", b"\x00\xff this is not JSON {")
        add("json-not-cloudevent", b'{"hello": "world", "specversion": "1.0"}')
        add("json-array", b"[1, 2, 3]")
        add("unknown-type", event("ChaosNoSuchType", {"customer_id": "c"}, f"{prefix}-unknown"))
        for number, type_ in enumerate(known):
            invalid = event(type_, {"customer_id": 7, "task_id": []}, f"{prefix}-invalid-{number}")
            add("invalid-data", invalid, number=number)
        add("nested-arrays", b"[" * DEPTH + b"]" * DEPTH)
        add("900kb", event(known[0], {"padding": "x" * BIG}, f"{prefix}-big"))
        binary = (("ce_specversion", b"1.0"), ("ce_type", known[0].encode()), ("content-type", b"application/json"))
        add("binary-no-id", b"{}", binary)
        add("binary-no-type", b'{"customer_id": "c"}', (("ce_specversion", b"1.0"), ("ce_id", b"x")))
        not_utf8 = (("ce_specversion", b"1.0"), ("ce_type", b"\xff\xfe\xfd"), ("ce_id", b"y"), ("ce_source", b"z"))
        add("binary-header-not-utf8", b"{}", not_utf8)
    return made


async def publish(commands: Commands, tag: str, round_: int, left_out: tuple[str, ...] = ()) -> list[Poison]:
    sent = poisons(tag, round_, left_out)
    for poison in sent:
        await commands.send(poison.topic, poison.value, poison.key.encode(), poison.headers)
    return sent
