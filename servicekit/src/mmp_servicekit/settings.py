"""Configuration shared by every service, read once from `MMP_*` environment variables."""

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MMP_", extra="ignore")

    host: str = "127.0.0.1"
    """Where the HTTP API listens; 0.0.0.0 in a container."""
    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_idempotence: bool = False
    """Off by default: the local broker (tansu) answers InitProducerId with UnknownError."""
    kafka_fetch_max_wait_ms: int = 5
    """aiokafka's 500 ms default makes every hop of a saga wait; 5 ms keeps a hop near 6 ms."""
    mongo_url: str | None = None
    """Unset: the embedded in-memory store. Set: a real MongoDB through AsyncMongoClient."""
    store_dir: Path | None = None
    """For the embedded store: keep a journal of its writes here, so a restart keeps the data."""
    admin_token: SecretStr = SecretStr("dev-admin-token")
    token_secret: SecretStr = SecretStr("dev-token-secret")
    """Signs customer-admin tokens; every service shares it (MMP_TOKEN_SECRET)."""
    log_level: str = "INFO"
    relay_sweep_seconds: float = 1.0


DEV_DEFAULTS = {"admin_token": "dev-admin-token", "token_secret": "dev-token-secret"}


def development_defaults_in_use(settings: ServiceSettings) -> list[str]:
    """The secrets still at their public development values: fine on a laptop, never in production."""
    return [
        f"MMP_{name.upper()}"
        for name, value in DEV_DEFAULTS.items()
        if getattr(settings, name).get_secret_value() == value
    ]
