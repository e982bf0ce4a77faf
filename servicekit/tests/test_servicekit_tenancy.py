"""Customer-admin tokens: signed for one customer, until they expire."""

import pytest

from mmp_servicekit.tenancy import Principal, customer_of_token, mint_customer_token

pytestmark = pytest.mark.unit


def test_a_token_speaks_for_its_customer_until_it_expires() -> None:
    token = mint_customer_token("s3cret", "c-1", ttl_seconds=60)
    assert customer_of_token("s3cret", token) == "c-1"
    assert customer_of_token("s3cret", token, now=10**12) is None


def test_a_token_signed_with_another_secret_or_altered_is_refused() -> None:
    token = mint_customer_token("s3cret", "c-1")
    assert customer_of_token("other", token) is None
    assert customer_of_token("s3cret", token.replace("c-1", "c-2")) is None
    assert customer_of_token("s3cret", "dev-admin-token") is None


def test_an_sp_admin_sees_every_customer_a_customer_admin_only_its_own() -> None:
    assert Principal("sp-admin").sees("c-2")
    assert Principal("customer-admin", "c-1").sees("c-1")
    assert not Principal("customer-admin", "c-1").sees("c-2")
