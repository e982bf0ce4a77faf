"""Apache Kafka in KRaft mode, one node that is broker and controller, run on Java: the broker production uses.

With `StackConfig.kafka_sasl_ssl` it also listens with SASL_SSL, as a secured cluster does: TLS with a CA made at
start (`kafka_tls`), SCRAM-SHA-512 (the credential is written into the cluster metadata when the log directory is
formatted) and PLAIN (a JAAS user list), both enabled on that listener. The services then connect there only.
"""

import base64
import secrets
from pathlib import Path
from xml.etree import ElementTree

from mmp_devstack.config import SaslSsl, StackConfig
from mmp_devstack.infra import build, kafka_tls

POM = Path(__file__).with_name("kafka-pom.xml")
HEAP = ["-Xms256m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:-UsePerfData"]
CLIENT_SETTINGS = {"MMP_KAFKA_IDEMPOTENCE": "true"}
"""The services' production settings (idempotent producer, long-polling fetch) work on Kafka as they are."""
SASL_SSL = "SASL_SSL"
MECHANISMS = ("SCRAM-SHA-512", "PLAIN")
"""What the SASL_SSL listener offers; servicekit's `MMP_KAFKA_SASL_MECHANISM` takes either."""


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
    properties.touch(mode=0o600)  # with SASL it holds the PLAIN passwords
    properties.write_text(server_properties(config, data / "kafka"))
    storage = ["kafka.tools.StorageTool", "format", "--standalone", "--cluster-id", _cluster_id()]
    if config.kafka_sasl_ssl is not None:
        kafka_tls.write(tls_dir(config), config.host)
        account = config.kafka_sasl_ssl
        storage += ["--add-scram", f"SCRAM-SHA-512=[name={account.username},password={account.password}]"]
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
        "broker.heartbeat.interval.ms": "10000",
        "controller.quorum.fetch.timeout.ms": "20000",
        "broker.session.timeout.ms": "30000",
    }
    if config.kafka_sasl_ssl is not None:
        settings |= _sasl_ssl_listener(config, config.kafka_sasl_ssl)
    return "".join(f"{name}={value}\n" for name, value in settings.items())


def _sasl_ssl_listener(config: StackConfig, account: SaslSsl) -> dict[str, str]:
    """A second listener beside PLAINTEXT (which the broker itself and the devstack's tools use)."""
    host, ports = config.host, config.ports
    broker, controller = f"{host}:{ports.kafka}", f"{host}:{ports.kafka_controller}"
    secured = f"{host}:{ports.kafka_sasl_ssl}"
    tls = tls_files(config)
    prefix = "listener.name.sasl_ssl"
    return {
        "listeners": f"PLAINTEXT://{broker},{SASL_SSL}://{secured},CONTROLLER://{controller}",
        "advertised.listeners": f"PLAINTEXT://{broker},{SASL_SSL}://{secured}",
        "listener.security.protocol.map": f"PLAINTEXT:PLAINTEXT,{SASL_SSL}:{SASL_SSL},CONTROLLER:PLAINTEXT",
        "sasl.enabled.mechanisms": ",".join(MECHANISMS),
        f"{prefix}.ssl.keystore.type": "PEM",
        f"{prefix}.ssl.keystore.location": str(tls.keystore),
        f"{prefix}.scram-sha-512.sasl.jaas.config": "org.apache.kafka.common.security.scram.ScramLoginModule required;",
        f"{prefix}.plain.sasl.jaas.config": (
            "org.apache.kafka.common.security.plain.PlainLoginModule required "
            f'user_{account.username}="{account.password}";'
        ),
    }


def tls_dir(config: StackConfig) -> Path:
    return config.data_dir.resolve() / "kafka-tls"


def tls_files(config: StackConfig) -> kafka_tls.TlsFiles:
    """The CA certificate (what clients trust) and the broker's keystore, once `command` has made them."""
    return kafka_tls.files_in(tls_dir(config))


def sasl_ssl_bootstrap(config: StackConfig) -> str:
    return f"{config.host}:{config.ports.kafka_sasl_ssl}"


def sasl_ssl_settings(config: StackConfig, mechanism: str | None = None) -> dict[str, str]:
    """The `MMP_KAFKA_*` settings that make a service (or `python -m mmp_servicekit.topics`) use the SASL_SSL
    listener: its address, the protocol, the mechanism, the account and the CA to trust."""
    account = config.kafka_sasl_ssl
    if account is None:
        raise ValueError("the stack's Kafka has no SASL_SSL listener")
    return {
        "MMP_KAFKA_BOOTSTRAP": sasl_ssl_bootstrap(config),
        "MMP_KAFKA_SECURITY_PROTOCOL": SASL_SSL,
        "MMP_KAFKA_SASL_MECHANISM": mechanism or account.mechanism,
        "MMP_KAFKA_SASL_USERNAME": account.username,
        "MMP_KAFKA_SASL_PASSWORD": account.password,
        "MMP_KAFKA_CA_FILE": str(tls_files(config).ca),
    }


def _cluster_id() -> str:
    """A Kafka UUID: 16 random bytes in unpadded base64url. Never one starting with '-', which the tool would
    take for an option."""
    while True:
        text = base64.urlsafe_b64encode(secrets.token_bytes(16)).decode().rstrip("=")
        if not text.startswith("-"):
            return text
