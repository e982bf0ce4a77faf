"""`mmp task show|fail <task_id>` against customer-svc's API (here in-process, as the running stack serves it)."""

import json
from typing import Any

import pytest

from mmp_contracts import examples
from mmp_devstack.tasks_cli import answer

pytestmark = pytest.mark.component


async def test_mmp_task_fail_fails_a_stuck_task_and_show_shows_it(service: Any, capsys: Any) -> None:
    task_id = (await service.http.post("/api/v1/customers", json=examples.create_customer()["data"])).json()["task_id"]

    assert await answer(service.http, "fail", task_id) == 0
    failed = json.loads(capsys.readouterr().out)
    assert (failed["task_id"], failed["customer_status"]) == (task_id, "ROLLING_BACK")

    assert await answer(service.http, "show", task_id) == 0
    assert json.loads(capsys.readouterr().out)["reason"] is None, "open until the platforms report their undo"


async def test_mmp_task_says_why_it_could_not(service: Any, capsys: Any) -> None:
    assert await answer(service.http, "show", "no-such-task") == 1
    assert capsys.readouterr().err == "mmp task show no-such-task: 404, no such task\n"
