"""`mmp task show|fail <task_id>`: a task of the running stack, and failing a stuck one, which customer-svc gives
up and undoes as it does when the task's deadline passes (a create is rolled back, an edit put back, a deletion
ends DELETION_FAILED...).

It reaches the customer-svc that `mmp up` runs, with the SP-admin token `mmp up` left in `.mmp/stack.env` (or
`MMP_ADMIN_TOKEN` and `MMP_CUSTOMER_PORT`).
"""

import argparse
import asyncio
import json
import sys
from urllib.parse import quote

import httpx

from mmp_devstack.config import StackConfig


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    task = commands.add_parser(
        "task", help="show a task of the running stack, or fail a stuck one (customer-svc undoes what it started)"
    )
    task.add_argument("action", choices=("show", "fail"))
    task.add_argument("task_id")


def main(config: StackConfig, args: argparse.Namespace) -> int:
    return asyncio.run(run(config, args.action, args.task_id))


async def run(config: StackConfig, action: str, task_id: str) -> int:
    url = config.service_urls["customer-svc"]
    headers = {"Authorization": f"Bearer {config.admin_token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=10) as http:
        try:
            return await answer(http, action, task_id)
        except httpx.TransportError as error:
            print(f"mmp task: no customer-svc answers at {url} ({error!r}); is `mmp up` running?", file=sys.stderr)
            return 1


async def answer(http: httpx.AsyncClient, action: str, task_id: str) -> int:
    """Prints the task as customer-svc shows it (0), or why it could not (1)."""
    path = f"/api/v1/tasks/{quote(task_id, safe='')}"
    response = await (http.post(f"{path}/fail") if action == "fail" else http.get(path))
    if response.is_success:
        print(json.dumps(response.json(), indent=2))
        return 0
    print(f"mmp task {action} {task_id}: {response.status_code}, {why(response)}", file=sys.stderr)
    return 1


def why(response: httpx.Response) -> str:
    """The messages of the API's error model (`detail`: field, rule, message), or the body as it came."""
    try:
        return "; ".join(problem["message"] for problem in response.json()["detail"])
    except (ValueError, KeyError, TypeError):
        return response.text
