"""A service's Kafka settings on Apache Kafka with a SASL_SSL listener (TLS with a CA of its own, SCRAM-SHA-512 and
PLAIN): `python -m mmp_servicekit.topics` creates the topics, a service-like client (servicekit's broker, router
and publisher) produces and consumes with each mechanism, and wrong credentials or an untrusted broker are refused."""

import asyncio
import logging
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from aiokafka.errors import KafkaConnectionError
from bss_examples import CACHE
from confluent_kafka import KafkaError, Producer
from confluent_kafka.admin import AdminClient

from mmp_contracts import CloudEvent, events, examples, topics
from mmp_devstack.config import Ports, SaslSsl, StackConfig
from mmp_devstack.infra import kafka
from mmp_devstack.processes import ManagedProcess
from mmp_servicekit.broker import BrokerPublisher, make_broker, subscribe
from mmp_servicekit.consumer import EventRouter
from mmp_servicekit.metrics import ServiceMetrics
from mmp_servicekit.settings import ServiceSettings
from mmp_servicekit.topics import ensure_topics, wanted

pytestmark = pytest.mark.e2e

BROKER_PORTS = Ports.shifted(12_000)
"""Beside the e2e stack (10_000) and the secured stack (14_500), on none of their ports."""
MECHANISMS = ["SCRAM-SHA-512", "PLAIN"]


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackConfig]:
    """Apache Kafka alone, with a SASL_SSL listener beside its PLAINTEXT one."""
    workdir = tmp_path_factory.mktemp("kafka-sasl-ssl")
    config = StackConfig(
        ports=BROKER_PORTS, workdir=workdir, cache=CACHE, broker="kafka", kafka_sasl_ssl=SaslSsl(username="svc")
    )
    config.data_dir.mkdir(parents=True)
    (workdir / "logs").mkdir()
    broker = ManagedProcess("broker", kafka.command(config), {}, workdir / "logs")
    broker.start()
    try:
        _until_serving(config, broker)
        yield config
    except BaseException:
        print(f"--- broker\n{broker.tail(40)}")
        raise
    finally:
        broker.stop()


def _until_serving(config: StackConfig, broker: ManagedProcess, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    admin = AdminClient({"bootstrap.servers": config.bootstrap})
    while True:
        assert broker.alive(), broker.tail(40)
        try:
            brokers = admin.list_topics(timeout=2).brokers
            if brokers:
                return
        except Exception:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


def service_settings(
    config: StackConfig, monkeypatch: pytest.MonkeyPatch, mechanism: str, **changes: str | None
) -> ServiceSettings:
    """A service's settings, read from the `MMP_KAFKA_*` variables as a service reads them."""
    for name, value in (kafka.sasl_ssl_settings(config, mechanism) | changes).items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    return ServiceSettings()


def test_python_m_mmp_servicekit_topics_creates_every_topic_over_sasl_ssl(secured: StackConfig) -> None:
    env = {**os.environ, **kafka.sasl_ssl_settings(secured, "SCRAM-SHA-512")}
    argv = [sys.executable, "-m", "mmp_servicekit.topics", "--partitions", "2"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    listed = AdminClient({"bootstrap.servers": secured.bootstrap}).list_topics(timeout=10).topics
    assert set(wanted(2)) <= set(listed), done.stdout
    assert done.stdout.strip() in (f"created {', '.join(sorted(wanted(2)))}", "every topic exists")


@pytest.mark.parametrize("mechanism", MECHANISMS)
async def test_a_service_configured_by_its_settings_produces_and_consumes_over_sasl_ssl(
    secured: StackConfig, monkeypatch: pytest.MonkeyPatch, mechanism: str
) -> None:
    settings = service_settings(secured, monkeypatch, mechanism)
    assert settings.kafka_security_protocol == "SASL_SSL"
    assert settings.kafka_sasl_mechanism == mechanism
    assert await ensure_topics(settings, 2) in ([], sorted(wanted(2)))
    metrics = ServiceMetrics()
    broker = make_broker(settings, f"sasl-probe-{mechanism.lower()}", metrics)
    publisher = BrokerPublisher(broker)
    router = EventRouter(publisher, metrics)
    received: asyncio.Queue[CloudEvent] = asyncio.Queue()

    async def handle(message: events.TaskCompleted, envelope: CloudEvent) -> None:
        await received.put(envelope)

    router.on(events.TaskCompleted, handle)
    subscribe(broker, topics.CUSTOMER_EVENTS, f"sasl-probe-{secrets.token_hex(4)}", router, settings)
    await broker.start()
    try:
        sent = CloudEvent.wrap(examples.of(events.TaskCompleted), source="sasl-probe", correlationid="task-sasl")
        await publisher.publish(sent.to_json(), topics.CUSTOMER_EVENTS, sent.data.partition_key().encode())
        async with asyncio.timeout(60):
            while (got := await received.get()).id != sent.id:
                pass  # the other mechanism's probe, read from the beginning
        assert got.correlationid == "task-sasl"
        assert got.data == sent.data
    finally:
        await broker.stop()


@pytest.mark.parametrize("mechanism", MECHANISMS)
@pytest.mark.parametrize("account", ["wrong password", "unknown user"])
async def test_wrong_credentials_are_refused(
    secured: StackConfig,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    mechanism: str,
    account: str,
) -> None:
    change = (
        {"MMP_KAFKA_SASL_PASSWORD": "not-the-password"}
        if account == "wrong password"
        else {"MMP_KAFKA_SASL_USERNAME": "intruder"}
    )
    settings = service_settings(secured, monkeypatch, mechanism, **change)
    broker = make_broker(settings, "sasl-intruder", ServiceMetrics())
    with caplog.at_level(logging.ERROR, logger="aiokafka"), pytest.raises(KafkaConnectionError):
        await broker.start()
    await broker.stop()
    assert "SaslAuthenticationFailed" in caplog.text
    with pytest.raises(KafkaConnectionError):
        await ensure_topics(settings, 2)


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_a_bss_on_librdkafka_with_a_wrong_password_is_refused(secured: StackConfig, mechanism: str) -> None:
    settings = kafka.sasl_ssl_settings(secured, mechanism)
    errors: list[KafkaError] = []
    producer = Producer(
        {
            "bootstrap.servers": settings["MMP_KAFKA_BOOTSTRAP"],
            "security.protocol": "SASL_SSL",
            "sasl.mechanisms": mechanism,
            "sasl.username": settings["MMP_KAFKA_SASL_USERNAME"],
            "sasl.password": "not-the-password",
            "ssl.ca.location": settings["MMP_KAFKA_CA_FILE"],
            "error_cb": errors.append,
            "log_level": 0,
        }
    )
    deadline = time.monotonic() + 30
    while not errors and time.monotonic() < deadline:
        producer.poll(0.2)
    assert [e.code() for e in errors][:1] == [KafkaError._AUTHENTICATION], errors


async def test_a_client_that_does_not_trust_the_brokers_certificate_is_refused(
    secured: StackConfig, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """MMP_KAFKA_CA_FILE unset: the system's trust store, which does not know the broker's CA."""
    settings = service_settings(secured, monkeypatch, "SCRAM-SHA-512", MMP_KAFKA_CA_FILE=None)
    assert settings.kafka_ca_file is None
    broker = make_broker(settings, "sasl-untrusting", ServiceMetrics())
    with caplog.at_level(logging.ERROR, logger="aiokafka"), pytest.raises(KafkaConnectionError):
        await broker.start()
    await broker.stop()
    assert "CERTIFICATE_VERIFY_FAILED" in caplog.text
