"""Runs last in the e2e session: no secret of the run in any log line, event or API response."""

import base64

import pytest
from kafka_tools import read_all

from mmp_contracts import topics
from mmp_devstack.client import MmpClient
from mmp_devstack.stack import Stack

pytestmark = pytest.mark.e2e


async def test_no_secret_in_any_log_line_event_or_api_response(
    stack: Stack, client: MmpClient, transcript: list[str], secrets_used: list[str]
) -> None:
    config = stack.config
    basic = [base64.b64encode(f"{config.pm_username}:{value}".encode()).decode() for value in secrets_used]
    needles = [*secrets_used, *basic]
    logs = {path.name: path.read_text(errors="replace") for path in stack.logs.glob("*.log")}
    every_topic = [*topics.ALL, *(topics.dead_letter(t) for t in topics.ALL)]
    events = [value.decode(errors="replace") for _, _, value in await read_all(config.bootstrap, every_topic)]
    assert len(transcript) > 50, "the scan has API responses to read"
    assert len(events) > 50, "the scan has events to read"
    assert len(logs) >= 7, "the scan has every process's log to read"
    leaks = [
        (where, needle[:4] + "...")
        for needle in needles
        for where, texts in (("logs", logs.values()), ("events", events), ("api", transcript))
        if any(needle in text for text in texts)
    ]
    assert leaks == []
