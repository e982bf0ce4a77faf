"""Platform secrets encrypted at rest (Fernet: AES-128-CBC with HMAC-SHA256) with a key from the environment.

The stored document holds only the ciphertext; the key (`MMP_SECRETS_KEY`) never reaches the database,
a log line, an event or an API response. Every platform secret this service keeps goes through here.
"""

from cryptography.fernet import Fernet, InvalidToken
from pydantic import SecretStr


class SecretUnreadable(Exception):
    """The ciphertext was not made with the current key (the key changed, or the data is damaged)."""


class SecretBox:
    def __init__(self, key: SecretStr) -> None:
        try:
            self._fernet = Fernet(key.get_secret_value().encode())
        except (ValueError, TypeError) as error:
            # The key itself is never echoed: only what is wrong with it.
            raise ValueError("MMP_SECRETS_KEY must be a Fernet key: 32 bytes in url-safe base64") from error

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken as error:
            raise SecretUnreadable("a stored secret cannot be decrypted with MMP_SECRETS_KEY") from error
