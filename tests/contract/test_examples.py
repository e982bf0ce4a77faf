"""Every message of the catalogue has an example, valid against its own model, for the docs."""

import pytest

from mmp_contracts import examples
from mmp_contracts.registry import CATALOGUE

pytestmark = pytest.mark.contract


@pytest.mark.parametrize("message_type", CATALOGUE, ids=lambda cls: cls.type_name())
def test_every_message_has_a_valid_example(message_type: type) -> None:
    example = examples.of(message_type)
    assert type(example) is message_type
    assert message_type.model_validate_json(example.model_dump_json()) == example
