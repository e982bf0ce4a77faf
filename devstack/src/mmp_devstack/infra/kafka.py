"""Apache Kafka in KRaft mode, one node that is broker and controller, run on Java: the broker production uses."""

import base64
import secrets
from pathlib import Path
from xml.etree import ElementTree

from mmp_devstack.config import StackConfig
from mmp_devstack.infra import build

POM = Path(__file__).with_name("kafka-pom.xml")
HEAP = ["-Xms256m", "-Xmx512m"]
CLIENT_SETTINGS = {"MMP_KAFKA_IDEMPOTENCE": "true"}
"""The services' production settings (idempotent producer, long-polling fetch) work on Kafka as they are."""


def version() -> str:
    """The Kafka version the pom names; its jars are cached under it."""
    found = ElementTree.parse(POM).find("m:properties/m:kafka.version", {"m": "http://maven.apache.org/POM/4.0.0"})
    if found is None or not found.text:
        raise build.SetupFailed(f"{POM} names no kafka.version")
    return found.text


def libs(cache: Path) -> Path:
    """Kafka's jars, resolved by Maven the first time (Maven keeps its own copy in ~/.m2)."""
    return build.cached(cache / "kafka" / version() / "libs", _resolve, f"resolving Kafka {version()} with Maven")


def _resolve(into: Path) -> None:
    mvn = build.tool("mvn", "resolving Kafka")
    argv = [mvn, "-q", "-B", "-f", str(POM), "dependency:copy-dependencies", f"-DoutputDirectory={into}"]
    build.run(argv, f"resolving Kafka {version()} with Maven")


def command(config: StackConfig) -> list[str]:
    """Writes the broker's settings and formats its empty log directory in the workdir; returns how to run it."""
    java = build.tool("java", "Kafka")
    classpath = str(libs(config.cache) / "*")  # the JVM expands the wildcard itself
    data = config.data_dir.resolve()
    properties = data / "kafka.properties"
    properties.write_text(server_properties(config, data / "kafka"))
    storage = ["kafka.tools.StorageTool", "format", "--standalone", "--cluster-id", _cluster_id()]
    build.run([java, "-cp", classpath, *storage, "--config", str(properties)], "formatting Kafka's log directory")
    return [java, *HEAP, "-cp", classpath, "kafka.Kafka", str(properties)]


def server_properties(config: StackConfig, log_dir: Path) -> str:
    host, ports = config.host, config.ports
    broker, controller = f"{host}:{ports.kafka}", f"{host}:{ports.kafka_controller}"
    settings = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.bootstrap.servers": controller,
        "controller.listener.names": "CONTROLLER",
        "listeners": f"PLAINTEXT://{broker},CONTROLLER://{controller}",
        "advertised.listeners": f"PLAINTEXT://{broker}",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name": "PLAINTEXT",
        "log.dirs": str(log_dir),
        "num.partitions": str(config.partitions),
        # One node holds the only replica of every internal topic.
        "offsets.topic.replication.factor": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        # A group forms as soon as its member joins, instead of waiting 3 s for others.
        "group.initial.rebalance.delay.ms": "0",
    }
    return "".join(f"{name}={value}\n" for name, value in settings.items())


def _cluster_id() -> str:
    """A Kafka UUID: 16 random bytes in unpadded base64url. Never one starting with '-', which the tool would
    take for an option."""
    while True:
        text = base64.urlsafe_b64encode(secrets.token_bytes(16)).decode().rstrip("=")
        if not text.startswith("-"):
            return text
