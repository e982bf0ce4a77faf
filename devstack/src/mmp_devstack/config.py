"""Which parts the stack runs and where each listens. `MMP_*` variables that point at existing servers are honoured."""

import base64
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

BROKERS = ("tansu", "kafka")
"""tansu: memory-only, from PyPI, nothing to install. kafka: Apache Kafka, resolved with Maven, run on Java."""
STORES = ("sqlite", "ferretdb")
"""sqlite: the services' embedded store, files in the workdir. ferretdb: MongoDB's wire protocol, built with Go."""


@dataclass(frozen=True)
class Ports:
    kafka: int = 9092
    kafka_controller: int = 9093
    kafka_sasl_ssl: int = 9094
    """Kafka's SASL_SSL listener, when the stack has one (`StackConfig.kafka_sasl_ssl`)."""
    ferretdb: int = 27018
    """Beside a MongoDB a developer may run on 27017."""
    smtp: int = 1025
    mail_http: int = 8025
    customer: int = 8001
    platform: int = 8002
    micollab: int = 8003
    notify: int = 8004
    pm: int = 9101
    mivb: int = 9102
    micollab_sim: int = 9103
    mbg: int = 9104

    @classmethod
    def shifted(cls, offset: int) -> "Ports":
        """A second stack beside the default one (the e2e tests use this)."""
        return cls(**{name: port + offset for name, port in vars(cls()).items()})


@dataclass(frozen=True)
class SaslSsl:
    """Kafka also listens with TLS and SASL (SCRAM-SHA-512 and PLAIN both enabled) on `Ports.kafka_sasl_ssl`,
    with a CA made at start; the services connect only there, with `mechanism` and this account. The devstack's
    own tools keep the PLAINTEXT listener."""

    mechanism: str = "SCRAM-SHA-512"
    username: str = "mmp-services"
    password: str = field(default_factory=lambda: secrets.token_urlsafe(18))


@dataclass(frozen=True)
class StackConfig:
    ports: Ports = field(default_factory=Ports)
    host: str = "127.0.0.1"
    kafka_bootstrap: str | None = None
    smtp_url: str | None = None
    mongo_url: str | None = None
    admin_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    secrets_key: str = field(default_factory=lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    """platform-svc encrypts platform credentials at rest with it (a Fernet key)."""
    token_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    """Signs customer-admin tokens (`mmp customer-token`); every service checks them with it."""
    pm_username: str = "pm-admin"
    pm_password: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    """The simulated Platform Manager's credentials, new for every stack, as a real PM's would be secret."""
    workdir: Path = Path(".mmp")
    cache: Path = Path(".mmp")
    """Where Kafka's jars and the FerretDB binary are kept between stacks (a test stack's workdir is temporary)."""
    partitions: int = 4
    broker: str = "tansu"
    store: str = "sqlite"
    """Ignored when `mongo_url` points at a MongoDB."""
    kafka_sasl_ssl: SaslSsl | None = None
    """Apache Kafka only: the services reach it over SASL_SSL."""

    def __post_init__(self) -> None:
        if self.broker not in BROKERS:
            raise ValueError(f"broker {self.broker!r} is none of {', '.join(BROKERS)}")
        if self.store not in STORES:
            raise ValueError(f"store {self.store!r} is none of {', '.join(STORES)}")
        if self.kafka_sasl_ssl is not None and (self.broker != "kafka" or self.kafka_bootstrap is not None):
            raise ValueError("a SASL_SSL listener needs the stack's own Apache Kafka")

    @classmethod
    def from_environment(cls, ports: Ports | None = None, workdir: Path | None = None) -> "StackConfig":
        """`MMP_*` variables first; then what a running `mmp up` left in `<workdir>/stack.env`."""
        workdir = workdir or Path(os.environ.get("MMP_WORKDIR", ".mmp"))
        session = workdir / "stack.env"
        if session.exists():
            for line in session.read_text().splitlines():
                name, _, value = line.partition("=")
                os.environ.setdefault(name, value)
        ports = ports or Ports(
            customer=int(os.environ.get("MMP_CUSTOMER_PORT", 8001)),
            platform=int(os.environ.get("MMP_PLATFORM_PORT", 8002)),
            micollab=int(os.environ.get("MMP_MICOLLAB_PORT", 8003)),
            notify=int(os.environ.get("MMP_NOTIFY_PORT", 8004)),
        )
        token = os.environ.get("MMP_ADMIN_TOKEN") or secrets.token_urlsafe(24)
        key, token_secret = os.environ.get("MMP_SECRETS_KEY"), os.environ.get("MMP_TOKEN_SECRET")
        return cls(
            secrets_key=key or cls().secrets_key,
            token_secret=token_secret or cls().token_secret,
            ports=ports,
            kafka_bootstrap=os.environ.get("MMP_KAFKA_BOOTSTRAP"),
            smtp_url=os.environ.get("MMP_SMTP_URL"),
            mongo_url=os.environ.get("MMP_MONGO_URL"),
            admin_token=token,
            workdir=workdir,
        )

    @property
    def bootstrap(self) -> str:
        return self.kafka_bootstrap or f"{self.host}:{self.ports.kafka}"

    @property
    def store_dir(self) -> Path:
        """The embedded store's files, one per service."""
        return self.workdir / "store"

    @property
    def data_dir(self) -> Path:
        """Where the stack's broker and FerretDB keep their data, emptied at every start."""
        return self.workdir / "data"

    @property
    def ferretdb_url(self) -> str:
        return f"mongodb://{self.host}:{self.ports.ferretdb}/"

    @property
    def mongo(self) -> str | None:
        """The MongoDB the services use: an existing one, the stack's FerretDB, or none (the embedded store)."""
        if self.mongo_url:
            return self.mongo_url
        return self.ferretdb_url if self.store == "ferretdb" else None

    def store_url(self, service: str) -> str:
        """A service's `MMP_STORE_URL`: on a MongoDB each service keeps to a database of its own."""
        return self.mongo or f"sqlite://{self.store_dir.resolve() / service}.db"

    @property
    def smtp(self) -> str:
        return self.smtp_url or f"smtp://{self.host}:{self.ports.smtp}"

    def url(self, port: int) -> str:
        return f"http://{self.host}:{port}"

    @property
    def service_urls(self) -> dict[str, str]:
        p = self.ports
        return {
            "customer-svc": self.url(p.customer),
            "platform-svc": self.url(p.platform),
            "micollab-svc": self.url(p.micollab),
            "notify-svc": self.url(p.notify),
        }

    @property
    def simulator_urls(self) -> dict[str, str]:
        p = self.ports
        return {
            "pm": self.url(p.pm),
            "mivb": self.url(p.mivb),
            "micollab": self.url(p.micollab_sim),
            "mbg": self.url(p.mbg),
        }
