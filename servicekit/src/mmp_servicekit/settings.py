"""Configuration shared by every service, read once from `MMP_*` environment variables."""

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from mmp_servicekit.kafka_security import KafkaSecurity, Mechanism, Protocol


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MMP_", extra="ignore")

    host: str = "127.0.0.1"
    """Where the HTTP API listens; 0.0.0.0 in a container."""
    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_idempotence: bool = True
    """With acks=all, as production runs; the devstack turns it off on tansu, which has no InitProducerId."""
    kafka_fetch_max_wait_ms: int = 500
    """Kafka answers a waiting fetch as soon as data arrives, so this only bounds an idle poll. tansu does not
    answer early: the devstack sets 5 ms there."""
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
    store_url: str | None = None
    """`sqlite:///path/to/file.db` or `mongodb://...`; unset, the service refuses to start."""
    admin_token: SecretStr = SecretStr("dev-admin-token")
    token_secret: SecretStr = SecretStr("dev-token-secret")
    """Signs customer-admin tokens; every service shares it (MMP_TOKEN_SECRET)."""
    log_level: str = "INFO"
    otlp_endpoint: str | None = None
    """Where traces are sent (OTLP over HTTP, e.g. http://collector:4318/v1/traces); unset, none are."""
    relay_sweep_seconds: float = 1.0


DEV_DEFAULTS = {"admin_token": "dev-admin-token", "token_secret": "dev-token-secret"}


def development_defaults_in_use(settings: ServiceSettings) -> list[str]:
    """The secrets still at their public development values: fine on a laptop, never in production."""
    return [
        f"MMP_{name.upper()}"
        for name, value in DEV_DEFAULTS.items()
        if getattr(settings, name).get_secret_value() == value
    ]


def kafka_security(settings: ServiceSettings) -> KafkaSecurity:
    return KafkaSecurity(
        protocol=settings.kafka_security_protocol,
        sasl_mechanism=settings.kafka_sasl_mechanism,
        sasl_username=settings.kafka_sasl_username,
        sasl_password=settings.kafka_sasl_password,
        ca_file=settings.kafka_ca_file,
    )
