"""Validation messages reach staff in Swedish: every message marshmallow can produce for the fields and
validators of the API's schemas has a translation (server/messages.py), and a refused request says it in Swedish."""

from __future__ import annotations

import inspect
import re
from typing import Any
from collections.abc import Iterator

import pytest
from marshmallow import Schema, ValidationError, fields, validate

from server import schemas
from server.messages import SWEDISH, swedish

from ..http import API, assert_error

ENGLISH = re.compile(r"\b(must|field|valid|length|than|type|value|one of|pattern|data)\b", re.IGNORECASE)


def _api_fields() -> Iterator[fields.Field]:
    for _, cls in inspect.getmembers(schemas, lambda c: inspect.isclass(c) and issubclass(c, Schema)):
        yield from cls().fields.values()


def _failing_values(validator: Any) -> Iterator[Any]:
    """Values each validator kind refuses, so its own message (with its own parameters) is produced."""
    if isinstance(validator, validate.Length):
        yield from ([""] if validator.min else []) + (["x" * (validator.max + 1)] if validator.max else [])
    elif isinstance(validator, validate.Range):
        yield from ([validator.min - 1] if validator.min is not None else []) + (
            [validator.max + 1] if validator.max is not None else [])
    elif isinstance(validator, validate.OneOf):
        yield object()
    elif isinstance(validator, validate.Regexp):
        yield "\n"


def _messages() -> set[str]:
    found = {schemas.StrictSchema.error_messages.get(k, v) for k, v in Schema._default_error_messages.items()}
    for field in _api_fields():
        found |= set(field.error_messages.values())
        for validator in field.validators:
            for value in _failing_values(validator):
                with pytest.raises(ValidationError) as refused:
                    validator(value)
                found |= set(refused.value.messages if isinstance(refused.value.messages, list) else [])
    return found


@pytest.mark.parametrize("message", sorted(_messages()))
def test_every_message_the_api_schemas_can_give_is_swedish(message: str) -> None:
    translated = swedish(message)
    assert not ENGLISH.search(translated), f"{message!r} has no Swedish translation in server/messages.py"


def test_the_swedish_templates_use_only_placeholders_the_english_ones_fill() -> None:
    for english, swedish_text in SWEDISH.items():
        assert set(re.findall(r"\{(\w+)\}", swedish_text)) <= set(re.findall(r"\{(\w+)\}", english)), english


def test_a_refused_request_names_each_field_in_swedish(client: Any, auth: Any) -> None:
    body = assert_error(client.post(f"{API}/events", json={"data": [], "okänt": 1}, headers=auth("eva")),
                        422, "validation_failed")
    assert {(e["path"], e["message"]) for e in body["errors"]} == {
        ("unit_id", "Fältet måste fyllas i."), ("data", "Ska vara ett objekt (JSON-objekt)."), ("okänt", "Okänt fält.")}
