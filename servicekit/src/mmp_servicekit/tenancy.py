"""Who is calling: an SP admin (everything) or a customer admin (one customer, nothing else).

Customer-admin tokens are signed, not stored: `cat.<customer id>.<expiry>.<signature>`, HMAC-SHA256 with
`MMP_TOKEN_SECRET`, which every service shares, so any service can check one without a call or a lookup.
They are minted out of band (`mmp customer-token`), never returned by an API.
"""

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

from fastapi import Request

from mmp_servicekit.http_errors import ApiRefusal, not_found

SP_ADMIN, CUSTOMER_ADMIN = "sp-admin", "customer-admin"


@dataclass(frozen=True)
class Principal:
    role: str
    customer_id: str | None = None

    def sees(self, customer_id: str) -> bool:
        return self.role == SP_ADMIN or self.customer_id == customer_id


def mint_customer_token(secret: str, customer_id: str, ttl_seconds: int = 86_400) -> str:
    expiry = str(int(time.time()) + ttl_seconds)
    return f"cat.{customer_id}.{expiry}.{_signature(secret, customer_id, expiry)}"


def customer_of_token(secret: str, token: str, now: float | None = None) -> str | None:
    """The customer a valid, unexpired token speaks for; None for anything else (whatever its characters:
    a header may carry any byte, and neither `compare_digest` on text nor `int` takes every string)."""
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != "cat" or not (parts[2].isascii() and parts[2].isdigit()):
        return None
    _, customer_id, expiry, signature = parts
    expected = _signature(secret, customer_id, expiry).encode()
    if not hmac.compare_digest(signature.encode("utf-8", "surrogatepass"), expected):
        return None
    return customer_id if int(expiry) > (now if now is not None else time.time()) else None


def _signature(secret: str, customer_id: str, expiry: str) -> str:
    message = f"{customer_id}.{expiry}".encode("utf-8", "surrogatepass")
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def principal_of(request: Request) -> Principal:
    principal: Principal = request.state.principal
    return principal


def tenant_guard(request: Request) -> None:
    """A customer admin reaches only its own customer: every other one is simply not there (404)."""
    customer_id = request.path_params.get("customer_id")
    if customer_id is not None and not principal_of(request).sees(customer_id):
        raise not_found("customer_id")


def sp_admin_only(request: Request) -> None:
    if principal_of(request).role != SP_ADMIN:
        raise ApiRefusal.of(403, "Authorization", "authorization", "this needs an SP-admin token")
