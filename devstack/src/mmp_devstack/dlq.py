"""`mmp dlq`: what is parked on the dead-letter topics, with why, and its replay once the cause is fixed.

It reads and writes Kafka with the services' own `MMP_KAFKA_*` settings, so it works on any deployment.
"""

import argparse
import asyncio

from aiokafka import AIOKafkaProducer

from mmp_contracts import topics
from mmp_servicekit.dead_letters import DeadLetter, read, replay
from mmp_servicekit.settings import ServiceSettings, kafka_security


class Producer:
    def __init__(self, producer: AIOKafkaProducer) -> None:
        self.producer = producer

    async def publish(self, value: bytes, topic: str, key: bytes, headers: dict[str, str] | None = None) -> None:
        encoded = [(name, text.encode()) for name, text in (headers or {}).items()]
        await self.producer.send_and_wait(topic, value, key=key, headers=encoded)


def options(settings: ServiceSettings) -> dict[str, object]:
    return {"bootstrap_servers": settings.kafka_bootstrap, **kafka_security(settings).client_options()}


async def letters(settings: ServiceSettings, topic: str | None) -> list[DeadLetter]:
    found: list[DeadLetter] = []
    for name in [topic] if topic else topics.ALL:
        found += await read(options(settings), name)
    return found


def line(letter: DeadLetter) -> str:
    state = "replayed" if letter.replayed else "cut short" if letter.truncated_from else "parked"
    return f"{letter.topic}.dlq {letter.ref:<10} {letter.parked_at:%Y-%m-%d %H:%M:%S} {state:<9} {letter.error[:90]}"


def shown(letter: DeadLetter) -> str:
    size = f" (cut from {letter.truncated_from} bytes)" if letter.truncated_from else ""
    key = letter.key.decode(errors="replace")
    return "\n".join(
        [
            f"{letter.topic}.dlq {letter.ref}, parked {letter.parked_at.isoformat()}, key {key!r}",
            f"why: {letter.error}",
            f"headers: {dict(letter.headers)}",
            f"message{size}:",
            letter.value[:4000].decode(errors="replace"),
        ]
    )


async def run(args: argparse.Namespace) -> int:
    settings = ServiceSettings()
    found = await letters(settings, args.topic)
    if args.action == "list":
        for letter in found:
            print(line(letter))
        print(f"{len(found)} dead letters, {sum(not letter.replayed for letter in found)} not replayed")
        return 0
    chosen = [letter for letter in found if args.all or letter.ref in args.refs]
    if args.action == "show":
        for letter in chosen:
            print(shown(letter))
        return 0 if chosen else 1
    # One send at a time, each awaited: no idempotent producer needed (the development broker has none)
    producer = AIOKafkaProducer(**options(settings), acks="all")
    await producer.start()
    try:
        done = await replay(Producer(producer), chosen)
    finally:
        await producer.stop()
    for letter in done:
        print(f"replayed {letter.topic}.dlq {letter.ref} onto {letter.topic}")
    skipped = [letter for letter in chosen if letter not in done]
    for letter in skipped:
        print(f"not replayed {letter.topic}.dlq {letter.ref}: {'already replayed' if letter.replayed else 'cut short'}")
    return 0


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    dlq = commands.add_parser("dlq", help="list, show and replay the messages parked on the dead-letter topics")
    dlq.add_argument("action", choices=("list", "show", "replay"))
    dlq.add_argument("refs", nargs="*", help="<partition>:<offset> of letters (show, replay)")
    dlq.add_argument("--topic", choices=topics.ALL, help="the topic the letters were parked from (default: all)")
    dlq.add_argument("--all", action="store_true", help="every letter of the topic (show, replay)")


def main(args: argparse.Namespace) -> int:
    if args.action != "list" and not args.topic:
        raise SystemExit("mmp dlq show|replay needs --topic")
    return asyncio.run(run(args))
