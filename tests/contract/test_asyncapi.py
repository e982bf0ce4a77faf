"""Each service's AsyncAPI document: generated from the contracts and the service's own dispatch table, and
committed under docs/asyncapi, so a change of either shows as a drift."""

import json
from pathlib import Path

import pytest

from mmp_contracts import topics
from mmp_contracts.registry import CATALOGUE
from mmp_devstack import asyncapi_docs

pytestmark = pytest.mark.contract

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "asyncapi"


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return asyncapi_docs.rendered()


def test_the_committed_documents_are_what_the_code_says(rendered: dict[str, str]) -> None:
    committed = {path.name: path.read_text() for path in COMMITTED.iterdir()}
    drifted = sorted(name for name, text in rendered.items() if committed.get(name) != text)
    assert not drifted, f"run `.venv/bin/mmp asyncapi`: {drifted} changed"
    assert set(committed) == set(rendered)


def test_each_service_sends_every_event_of_its_topic_and_receives_what_it_handles(rendered: dict[str, str]) -> None:
    for service, topic in ((s, t) for t, s in topics.PUBLISHER.items()):
        document = json.loads(rendered[f"{service}.json"])
        sent = {
            op["messages"][0]["$ref"].rsplit("/", 1)[-1]
            for op in document["operations"].values()
            if op["action"] == "send"
        }
        assert {cls.type_name() for cls in CATALOGUE if cls.topic == topic} <= sent
        received = [op for op in document["operations"].values() if op["action"] == "receive"]
        assert received, f"{service} receives nothing"
        for message in document["components"]["messages"].values():
            if message["name"] != "DeadLetter":
                data = message["payload"]["properties"]["data"]["$ref"].rsplit("/", 1)[-1]
                assert data in document["components"]["schemas"], f"{service}: {data} has no schema"
                assert message["examples"], f"{service}: {message['name']} has no example"
