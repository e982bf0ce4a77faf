"""A small client of the running stack, for the demo, the benchmark and the e2e tests."""

import asyncio
import time
from typing import Any

import httpx

from mmp_devstack.config import StackConfig

FINAL = {"ACTIVE", "FAILED", "ROLLBACK_FAILED", "REJECTED"}


class MmpClient:
    def __init__(self, config: StackConfig, transcript: list[str] | None = None) -> None:
        """`transcript`, when given, receives the body of every response (the secret scan reads it)."""
        self.config = config

        async def record(response: httpx.Response) -> None:
            if transcript is not None:
                transcript.append((await response.aread()).decode(errors="replace"))

        self.http = httpx.AsyncClient(
            timeout=10,
            headers={"Authorization": f"Bearer {config.admin_token}"},
            event_hooks={"response": [record]},
        )
        self.customers = f"{config.service_urls['customer-svc']}/api/v1"

    async def close(self) -> None:
        await self.http.aclose()

    async def create_customer(self, body: dict[str, Any]) -> httpx.Response:
        return await self.http.post(f"{self.customers}/customers", json=body)

    async def update_customer(self, customer_id: str, changes: dict[str, Any]) -> httpx.Response:
        return await self.http.patch(f"{self.customers}/customers/{customer_id}", json=changes)

    async def delete_customer(self, customer_id: str) -> httpx.Response:
        return await self.http.delete(f"{self.customers}/customers/{customer_id}")

    async def change_did_range(self, customer_id: str, start: str, end: str, remove: bool = False) -> httpx.Response:
        path = "did-ranges/remove" if remove else "did-ranges"
        return await self.http.post(
            f"{self.customers}/customers/{customer_id}/{path}", json={"start": start, "end": end}
        )

    async def maintenance(self, command: str) -> httpx.Response:
        return await self.http.post(f"{self.customers}/maintenance/commands", json={"command": command})

    async def customer(self, customer_id: str) -> dict[str, Any]:
        response = await self.http.get(f"{self.customers}/customers/{customer_id}")
        response.raise_for_status()
        return dict(response.json())

    async def customers_with_webid(self, webid: str) -> list[dict[str, Any]]:
        response = await self.http.get(f"{self.customers}/customers", params={"webid": webid})
        response.raise_for_status()
        return list(response.json()["items"])

    async def task(self, task_id: str) -> dict[str, Any]:
        response = await self.http.get(f"{self.customers}/tasks/{task_id}")
        response.raise_for_status()
        return dict(response.json())

    async def retry_rollback(self, customer_id: str) -> httpx.Response:
        return await self.http.post(f"{self.customers}/customers/{customer_id}/rollback")

    async def wait_for_customer(
        self, customer_id: str, statuses: set[str] = FINAL, seconds: float = 30
    ) -> dict[str, Any]:
        record: dict[str, Any] = await poll(
            lambda: self.customer(customer_id), lambda c: c["status"] in statuses, seconds
        )
        return record

    async def wait_for_task(self, task_id: str, seconds: float = 30) -> dict[str, Any]:
        task: dict[str, Any] = await poll(lambda: self.task(task_id), lambda t: t["status"] != "PENDING", seconds)
        return task

    async def simulator_state(self, product: str) -> dict[str, Any]:
        response = await self.http.get(f"{self.config.simulator_urls[product]}/_sim/state")
        response.raise_for_status()
        return dict(response.json())

    async def inject(self, product: str, **faults: Any) -> None:
        response = await self.http.post(f"{self.config.simulator_urls[product]}/_sim/faults", json=faults)
        response.raise_for_status()

    async def clear_faults(self) -> None:
        for url in self.config.simulator_urls.values():
            (await self.http.delete(f"{url}/_sim/faults")).raise_for_status()

    async def residue_of(self, customer_id: str) -> list[str]:
        """Where the simulators still hold anything of this customer."""
        found = []
        for product in ("mivb", "mbg", "micollab"):
            state = await self.simulator_state(product)
            holders = state.get("tenants") or state.get("customers") or {}
            if customer_id in holders:
                found.append(product)
        return found

    async def mails(self) -> list[dict[str, Any]]:
        response = await self.http.get(f"{self.config.url(self.config.ports.mail_http)}/messages")
        response.raise_for_status()
        return list(response.json())


async def poll(fetch: Any, done: Any, seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = await fetch()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {seconds}s; last seen: {value}")
        await asyncio.sleep(0.05)
