"""How a service authenticates to Kafka and encrypts the connection: none, TLS, SASL PLAIN or SCRAM-SHA-512."""

import ssl
from typing import Any, Literal

from faststream.security import BaseSecurity, SASLPlaintext, SASLScram512
from pydantic import BaseModel, SecretStr

Protocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
Mechanism = Literal["PLAIN", "SCRAM-SHA-512"]


class KafkaSecurity(BaseModel):
    protocol: Protocol = "PLAINTEXT"
    sasl_mechanism: Mechanism = "SCRAM-SHA-512"
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ca_file: str | None = None
    """The CA that signed the brokers' certificates; unset, the system's trust store."""

    def ssl_context(self) -> ssl.SSLContext | None:
        return ssl.create_default_context(cafile=self.ca_file) if self.protocol in ("SSL", "SASL_SSL") else None

    def client_options(self) -> dict[str, Any]:
        """For a plain aiokafka client (admin, consumer, producer) beside the services' FastStream broker."""
        password = self.sasl_password.get_secret_value() if self.sasl_password else None
        return {
            "security_protocol": self.protocol,
            "sasl_mechanism": self.sasl_mechanism,
            "sasl_plain_username": self.sasl_username,
            "sasl_plain_password": password,
            "ssl_context": self.ssl_context(),
        }

    def faststream(self) -> BaseSecurity | None:
        tls = self.protocol in ("SSL", "SASL_SSL")
        context = self.ssl_context()
        if self.protocol.startswith("SASL"):
            if not self.sasl_username or self.sasl_password is None:
                raise ValueError(
                    f"MMP_KAFKA_SECURITY_PROTOCOL={self.protocol} needs MMP_KAFKA_SASL_USERNAME and "
                    "MMP_KAFKA_SASL_PASSWORD"
                )
            kind = SASLPlaintext if self.sasl_mechanism == "PLAIN" else SASLScram512
            return kind(self.sasl_username, self.sasl_password.get_secret_value(), ssl_context=context, use_ssl=tls)
        return BaseSecurity(ssl_context=context, use_ssl=True) if tls else None
