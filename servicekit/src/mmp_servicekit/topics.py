"""Creates the topics the services use, with their dead-letter topics, where a broker lacks them.

`python -m mmp_servicekit.topics` does it with the services' own `MMP_KAFKA_*` settings (a one-shot job in a
deployment); on Kubernetes with Strimzi, the `KafkaTopic` resources do the same.
"""

import argparse
import asyncio

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from mmp_contracts import topics
from mmp_servicekit.settings import ServiceSettings, kafka_security

DEAD_LETTER_PARTITIONS = 1


def wanted(partitions: int) -> dict[str, int]:
    """Every topic, with its partition count: per-key order needs only that a key stays on its partition."""
    return {topic: partitions for topic in topics.ALL} | {
        topics.dead_letter(topic): DEAD_LETTER_PARTITIONS for topic in topics.ALL
    }


async def ensure_topics(settings: ServiceSettings, partitions: int, replication: int = 1) -> list[str]:
    """Creates what is missing; returns the names created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, **kafka_security(settings).client_options())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = {name: count for name, count in wanted(partitions).items() if name not in existing}
        if missing:
            await admin.create_topics([NewTopic(name, count, replication) for name, count in missing.items()])
        return sorted(missing)
    finally:
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m mmp_servicekit.topics", description=__doc__)
    parser.add_argument("--partitions", type=int, default=12)
    parser.add_argument("--replication", type=int, default=1)
    args = parser.parse_args()
    created = asyncio.run(ensure_topics(ServiceSettings(), args.partitions, args.replication))
    print(f"created {', '.join(created)}" if created else "every topic exists")


if __name__ == "__main__":
    main()
