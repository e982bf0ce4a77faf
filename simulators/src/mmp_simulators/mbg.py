"""MiVoice Border Gateway stand-in: customers and their SIP users."""

from copy import deepcopy
from dataclasses import dataclass, field
from http import HTTPStatus

from fastapi import APIRouter, FastAPI

from mmp_simulators.base import build_app, conflict, not_found
from mmp_simulators.simulator import JsonObject, SystemInfo

PRODUCT = "MiVoice Border Gateway"


@dataclass
class Customer:
    body: JsonObject
    sip_users: dict[str, JsonObject] = field(default_factory=dict)

    def as_json(self) -> JsonObject:
        return {**deepcopy(self.body), "sip_users": deepcopy(self.sip_users)}


class MbgState:
    def __init__(self) -> None:
        self.customers: dict[str, Customer] = {}

    def reset(self) -> None:
        self.customers = {}

    def snapshot(self) -> JsonObject:
        return {"customers": {key: customer.as_json() for key, customer in self.customers.items()}}

    def owner_of_sip_user(self, username: str) -> str | None:
        for customer_id, customer in self.customers.items():
            if username in customer.sip_users:
                return customer_id
        return None


def mbg_router(state: MbgState) -> APIRouter:
    # Async handlers run one at a time on the event loop, so the state needs no locks.
    router = APIRouter()

    @router.get("/customers")
    async def list_customers() -> list[JsonObject]:
        return [customer.as_json() for customer in state.customers.values()]

    @router.put("/customers/{customer_id}")
    async def put_customer(customer_id: str, body: JsonObject) -> JsonObject:
        existing = state.customers.get(customer_id)
        customer = Customer({**body, "id": customer_id}, existing.sip_users if existing else {})
        state.customers[customer_id] = customer
        return customer.as_json()

    @router.delete("/customers/{customer_id}", status_code=HTTPStatus.NO_CONTENT)
    async def delete_customer(customer_id: str) -> None:
        state.customers.pop(customer_id, None)

    @router.put("/customers/{customer_id}/sip-users/{username}")
    async def put_sip_user(customer_id: str, username: str, body: JsonObject) -> JsonObject:
        customer = state.customers.get(customer_id)
        if customer is None:
            raise not_found("customer", customer_id)
        owner = state.owner_of_sip_user(username)
        if owner is not None and owner != customer_id:
            raise conflict(f"SIP username {username} already used by customer {owner}")
        customer.sip_users[username] = {**body, "username": username}
        return customer.sip_users[username]

    @router.delete("/customers/{customer_id}/sip-users/{username}", status_code=HTTPStatus.NO_CONTENT)
    async def delete_sip_user(customer_id: str, username: str) -> None:
        customer = state.customers.get(customer_id)
        if customer is not None:
            customer.sip_users.pop(username, None)

    return router


def create_mbg_app(version: str) -> FastAPI:
    state = MbgState()
    return build_app(SystemInfo(PRODUCT, version), state, mbg_router(state))
