"""Configuration shared by every service, read once from `MMP_*` environment variables.

Secrets have no default: a service missing one refuses to start and names it (`load`), so no deployment ever
runs on a value anyone could read in this repository.
"""

from typing import TypeVar

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from mmp_servicekit.kafka_security import KafkaSecurity, Mechanism, Protocol

S = TypeVar("S", bound=BaseSettings)
SECRET_LENGTH = 16


class KafkaSettings(BaseSettings):
    """How to reach Kafka: all that a tool beside the services needs (topics, dead letters)."""

    model_config = SettingsConfigDict(env_prefix="MMP_", extra="ignore")

    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_idempotence: bool = True
    """With acks=all, as production runs; the devstack turns it off on tansu, which has no InitProducerId."""
    kafka_fetch_max_wait_ms: int = 5_000
    """Kafka answers a waiting fetch as soon as data arrives, so this only bounds an idle poll: long, it keeps an
    idle service and broker cheap. tansu does not answer early: the devstack sets 5 ms there."""
    kafka_fetch_idle_max_wait_ms: int = 0
    """For a broker that does not answer a waiting fetch early (tansu): the wait grows to this while idle; 0
    keeps the wait fixed, as Kafka needs."""
    kafka_batch_max_records: int = 500
    """At most this many messages a batch, committed once after all are handled."""
    kafka_batch_lanes: int = 64
    """At most this many keys (customers) of a batch handled at once."""
    kafka_security_protocol: Protocol = "PLAINTEXT"
    kafka_sasl_mechanism: Mechanism = "SCRAM-SHA-512"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ca_file: str | None = None
    """The CA of the brokers' certificates (SSL, SASL_SSL); unset, the system's trust store."""


class ServiceSettings(KafkaSettings):
    host: str = "127.0.0.1"
    """Where the HTTP API listens; 0.0.0.0 in a container."""
    store_url: str | None = None
    """`sqlite:///path/to/file.db` or `mongodb://...`; unset, the service refuses to start."""
    admin_token: SecretStr = Field(min_length=SECRET_LENGTH)
    """`MMP_ADMIN_TOKEN`: the SP-admin bearer token."""
    token_secret: SecretStr = Field(min_length=SECRET_LENGTH)
    """`MMP_TOKEN_SECRET`: signs customer-admin tokens and set-password links; every service shares it."""
    log_level: str = "INFO"
    otlp_endpoint: str | None = None
    """Where traces are sent (OTLP over HTTP, e.g. http://collector:4318/v1/traces); unset, none are."""
    relay_sweep_seconds: float = 5.0
    """How often the relay looks for events a crash left unpublished (it is woken at once for every write)."""


def load(settings: type[S]) -> S:
    """The settings from the environment, or a stop that names every variable missing or wrong."""
    try:
        return settings()
    except ValidationError as error:
        problems = [f"MMP_{'_'.join(map(str, item['loc'])).upper()}: {item['msg']}" for item in error.errors()]
        raise SystemExit(f"{settings.__name__} cannot start: " + "; ".join(problems)) from None


def kafka_security(settings: KafkaSettings) -> KafkaSecurity:
    return KafkaSecurity(
        protocol=settings.kafka_security_protocol,
        sasl_mechanism=settings.kafka_sasl_mechanism,
        sasl_username=settings.kafka_sasl_username,
        sasl_password=settings.kafka_sasl_password,
        ca_file=settings.kafka_ca_file,
    )
