"""Configuration shared by every service, read once from `MMP_*` environment variables."""

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    store_url: str | None = None
    """`sqlite:///path/to/file.db` or `mongodb://...`; unset, the service refuses to start."""
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
