"""The message contract: the canonical example, the committed JSON Schemas, the envelope."""

import json
import re
from pathlib import Path

import pytest

from mmp_contracts import CloudEvent
from mmp_contracts.commands import CreateCustomer
from mmp_contracts.registry import CATALOGUE
from mmp_contracts.schema_files import SCHEMA_DIR, rendered

pytestmark = pytest.mark.contract

ROOT = Path(__file__).resolve().parents[2]
CANONICAL = ROOT / "contracts" / "src" / "mmp_contracts" / "examples" / "create-customer.json"


def test_the_canonical_create_customer_is_accepted_exactly_as_it_is() -> None:
    raw = CANONICAL.read_text()
    envelope = CloudEvent.model_validate_json(raw)
    assert isinstance(envelope.data, CreateCustomer)
    original = json.loads(raw)
    assert str(envelope.id) == original["id"]
    assert envelope.data.model_dump(mode="json") == original["data"], "every field is carried, none invented"


def test_every_message_has_its_committed_schema_file() -> None:
    committed = {path.name: path.read_text() for path in SCHEMA_DIR.glob("*.json")}
    drifted = [name for name, text in rendered().items() if committed.get(name) != text]
    assert not drifted, f"models changed without their schema file: run `make schemas`; drifted: {drifted}"
    assert set(committed) == set(rendered()), "a schema file without its model, or the reverse"


def test_the_envelope_round_trips_every_message_type() -> None:
    assert len({cls.type_name() for cls in CATALOGUE}) == len(CATALOGUE)
    envelope = CloudEvent.model_validate_json(CANONICAL.read_text())
    again = CloudEvent.model_validate_json(envelope.to_json())
    assert again == envelope
    assert again.dataschema == "urn:mmp:schema:CreateCustomer:1"


def test_an_unknown_type_is_refused_by_name() -> None:
    raw = json.loads(CANONICAL.read_text()) | {"type": "MakeCoffee"}
    with pytest.raises(ValueError, match="unknown message type 'MakeCoffee'"):
        CloudEvent.model_validate(raw)


def test_a_misspelt_command_field_is_refused() -> None:
    raw = json.loads(CANONICAL.read_text())
    raw["data"]["details"]["web_id"] = raw["data"]["details"].pop("webid")
    with pytest.raises(ValueError, match="webid"):
        CloudEvent.model_validate(raw)


def test_a_null_field_of_the_data_survives_the_wire() -> None:
    from mmp_contracts.customer_spec import FirstUser
    from mmp_contracts.events import CustomerActivated

    user = FirstUser(first_name="A", last_name="H", email="a@h.example", username="ahaddad")
    activated = CustomerActivated(
        customer_id="c",
        task_id="t",
        webid="w",
        name="n",
        contact_email="c@h.example",
        portal_url="https://p/w",
        first_user=user,
        send_welcome_mail=True,
        welcome_mail_template_id=None,
    )
    envelope = CloudEvent.wrap(activated, source="tests", correlationid=None)
    assert CloudEvent.model_validate_json(envelope.to_json()).data == activated
    assert "correlationid" not in json.loads(envelope.to_json())


@pytest.mark.parametrize(
    "broken",
    [
        {"data": 5},
        {"data": [1, 2]},
        {"dataschema": "urn:mmp:schema:CreateCustomer:0"},
        {"dataschema": "urn:mmp:schema:CreateCustomer:9"},
    ],
)
def test_a_malformed_envelope_is_a_validation_error_not_a_crash(broken: dict[str, object]) -> None:
    from pydantic import ValidationError

    raw = json.loads(CANONICAL.read_text()) | broken
    with pytest.raises(ValidationError):
        CloudEvent.model_validate(raw)


def test_every_rule_the_code_cites_is_written_down() -> None:
    written = set(re.findall(r"^- \*\*(R\d+)\*\*", (ROOT / "docs" / "rules.md").read_text(), flags=re.M))
    cited: set[str] = set()
    for folder in ("contracts", "servicekit", "services", "devstack", "simulators", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            cited |= set(re.findall(r"\bR(\d{1,2})\b", path.read_text()))
    missing = sorted({f"R{n}" for n in cited} - written, key=lambda r: int(r[1:]))
    assert not missing, f"cited but not in docs/rules.md: {missing}"
    assert written == {f"R{n}" for n in range(1, 29)}


@pytest.mark.parametrize(
    "variant",
    [
        {"id": "bss-order-4711"},
        {"time": None},
        {"datacontenttype": "application/json; charset=utf-8"},
        {"datacontenttype": "application/cloudevents+json"},
    ],
    ids=["any-id", "no-time", "media-type-parameters", "json-suffix"],
)
def test_every_valid_cloudevent_is_taken(variant: dict[str, object]) -> None:
    raw = {key: value for key, value in (json.loads(CANONICAL.read_text()) | variant).items() if value is not None}
    envelope = CloudEvent.model_validate(raw)
    assert isinstance(envelope.data, CreateCustomer)


def test_data_that_is_not_json_is_refused() -> None:
    raw = json.loads(CANONICAL.read_text()) | {"datacontenttype": "application/xml"}
    with pytest.raises(ValueError, match="data must be JSON"):
        CloudEvent.model_validate(raw)


def test_binary_mode_carries_the_same_event_as_structured_mode() -> None:
    structured = json.loads(CANONICAL.read_text())
    headers = [(f"ce_{name}", str(value).encode()) for name, value in structured.items() if name != "data"]
    binary = CloudEvent.from_kafka(json.dumps(structured["data"]).encode(), headers)
    assert binary == CloudEvent.from_kafka(CANONICAL.read_bytes())
    assert binary.key == f"{structured['source']} {structured['id']}"
