import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from platform_svc.management.adapters.secretbox import SecretBox, SecretUnreadable

pytestmark = pytest.mark.unit

KEY = SecretStr(Fernet.generate_key().decode())


def test_a_secret_round_trips_and_is_stored_only_as_ciphertext() -> None:
    box = SecretBox(KEY)

    sealed = box.seal("pm-secret")

    assert "pm-secret" not in sealed
    assert sealed != box.seal("pm-secret")  # a fresh IV each time: equal secrets do not look equal
    assert box.open(sealed) == "pm-secret"


def test_a_secret_sealed_with_another_key_is_unreadable() -> None:
    sealed = SecretBox(SecretStr(Fernet.generate_key().decode())).seal("pm-secret")

    with pytest.raises(SecretUnreadable, match="MMP_SECRETS_KEY"):
        SecretBox(KEY).open(sealed)


def test_a_malformed_key_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValueError, match="must be a Fernet key") as refused:
        SecretBox(SecretStr("not-a-key-but-a-secret"))

    assert "not-a-key-but-a-secret" not in str(refused.value)
