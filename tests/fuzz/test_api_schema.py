"""Nothing a client can send to the REST API answers 5xx.

Requests are generated from the API's own OpenAPI schema (drf-spectacular)
by schemathesis and sent in-process to the WSGI application, once as each
persona of tests/api (token header) and once anonymously. Two passes:

- fuzzing: ``MAX_EXAMPLES`` random requests per operation, valid and invalid
  (odd Unicode, NUL bytes, huge numbers, wrong types, missing bodies), each
  sent as all six personas;
- coverage: schemathesis's deterministic boundary cases (every enum value,
  every type mutation, missing and extra fields, unexpected methods), sent as
  the personas that get past the permission checks of most operations.

Every response: never 5xx; a 4xx is JSON in the API's error shape; a
documented status conforms to the schema. The seed is fixed, so a CI run is
the same run every time; ``FUZZ_MAX_EXAMPLES`` raises the budget locally.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts.services import api_token_issue
from alerts.models import InboxMessage
from config.wsgi import application
from tests.api.conftest import PERSONAS, World
from tests.fuzz.conftest import SENT, assert_error_shape
from tests.support.openapi import raw_schema

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
SEED = 20261130
# The personas that get past the permission checks of most operations: the
# coverage pass's boundary cases are about validation, which only they reach.
COVERAGE_PERSONAS = ("volunteer", "staff")
BASE_URL = "http://testserver"

HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    # The world is built once per operation and every example rolls back to it.
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


def _schema(*, coverage: bool) -> schemathesis.schemas.BaseSchema:
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": MAX_EXAMPLES, "mode": "all"},
            "phases": {
                "examples": {"enabled": False},
                "coverage": {"enabled": coverage},
                "fuzzing": {"enabled": not coverage},
                "stateful": {"enabled": False},
            },
        }
    )
    return schemathesis.openapi.from_dict(raw_schema(), config=config)


# Built at collection: schemathesis makes one test per operation from it (its lazy,
# fixture-loaded schemas do not run under pytest 9).
fuzzing = _schema(coverage=False)
coverage = _schema(coverage=True)


@dataclass
class Target:
    """The world, its personas' tokens, and the real objects a path parameter can name."""

    world: World
    tokens: dict[str, str]
    real_ids: dict[str, list[Any]] = field(default_factory=dict)

    def headers(self, persona: str) -> dict[str, str]:
        token = self.tokens.get(persona)
        return {"Authorization": f"Token {token}"} if token else {}

    def ids_for(self, path: str, name: str) -> list[Any]:
        if name == "external_id":
            name = "volunteer_external_id" if path.startswith("/api/v1/volunteers/") else "vacancy_external_id"
        elif name == "id":
            name = "inbox_id" if path.startswith("/api/v1/inbox/") else "application_id"
        return self.real_ids.get(name, [])


@pytest.fixture
def target(world: World, inbox_message: InboxMessage, in_process_requests: None) -> Target:
    tokens = {}
    for persona in PERSONAS:
        user = world.user(persona)
        if user is not None:
            tokens[persona] = api_token_issue(user=user)[1]
    real_ids = {
        "slug": [world.programme.slug, world.other_programme.slug],
        "user_id": [world.manager.pk, world.other_manager.pk, world.staff.pk],
        "volunteer_external_id": [world.volunteer.external_id, world.other_volunteer.external_id],
        "vacancy_external_id": [
            world.vacancy.external_id,
            world.draft_vacancy.external_id,
            world.other_vacancy.external_id,
        ],
        "application_id": [world.application.pk],
        "inbox_id": [inbox_message.pk],
    }
    return Target(world=world, tokens=tokens, real_ids=real_ids)


def _point_at_real_objects(case: schemathesis.Case, target: Target) -> None:
    """Half the cases name real objects in their path, so they reach validation instead of a 404.

    The choice hangs on the generated values alone, so a failing example replays identically.
    """
    if not case.path_parameters:
        return
    key = zlib.crc32(json.dumps(case.path_parameters, sort_keys=True, default=repr).encode())
    if key % 2:
        return
    for name in list(case.path_parameters):
        candidates = target.ids_for(case.operation.path, name)
        if candidates:
            case.path_parameters[name] = candidates[key % len(candidates)]


def error_shape(ctx: Any, response: schemathesis.Response, case: schemathesis.Case) -> bool | None:
    """A 4xx is JSON: ``{"errors": {field: [reason, ...]}}`` (an import report may sit beside it)."""
    if not 400 <= response.status_code < 500:
        return None
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.startswith("application/json"), f"{response.status_code} answered {content_type!r}, not JSON"
    assert_error_shape(response.status_code, json.loads(response.content))
    return True


CHECKS: list[Callable[..., bool | None]] = [not_a_server_error, error_shape, response_schema_conformance]


def _send_as(case: schemathesis.Case, *, persona: str, target: Target, test: str) -> None:
    # A savepoint rolled back after each request: every persona and every example meets the same world.
    with transaction.atomic():
        response = case.call(app=application, base_url=BASE_URL, headers=target.headers(persona))
        transaction.set_rollback(True)
    SENT[test, persona] += 1
    try:
        case.validate_response(response, checks=CHECKS, headers=target.headers(persona))
    except Exception as exc:
        exc.add_note(f"Sent as persona {persona!r}.")
        raise


@fuzzing.parametrize()
@HYPOTHESIS
def test_it_never_answers_5xx_to_generated_requests(case: schemathesis.Case, target: Target) -> None:
    _point_at_real_objects(case, target)
    for persona in PERSONAS:
        _send_as(case, persona=persona, target=target, test="generated")


def _long_enum_values(node: Any) -> set[str]:
    """The values of the schema's long enums, and the names of its objects with many optional
    properties: ISO country and language codes, the same validator's in every field."""
    found: set[str] = set()
    if isinstance(node, dict):
        enum, properties = node.get("enum"), node.get("properties")
        if isinstance(enum, list) and len(enum) > LONG_ENUM:
            found.update(value for value in enum if isinstance(value, str))
        if isinstance(properties, dict) and len(properties) > LONG_ENUM:
            found.update(properties)
        for value in node.values():
            found |= _long_enum_values(value)
    elif isinstance(node, list):
        for value in node:
            found |= _long_enum_values(value)
    return found


LONG_ENUM = 20
CODES = frozenset(_long_enum_values(raw_schema()))


def _masked(value: Any, codes: set[str]) -> Any:
    """`value` with every code (as a value or a key) replaced by one placeholder; the codes seen go to `codes`."""
    if isinstance(value, str) and value in CODES:
        codes.add(value)
        return "<code>"
    if isinstance(value, dict):
        return {_masked(key, codes): _masked(item, codes) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(item, codes) for item in value]
    return value


@dataclass
class BoundaryShapes:
    """The coverage phase sends every enum value of every field of every operation: each of some
    250 country and 180 language codes in each place one is taken, as each persona, some 16,000
    requests a persona, most of a CI run. A case that differs from one already sent only by which
    code it holds goes through the same validator: it is sent only if it brings a code not sent
    anywhere yet, so every code is still sent, and every other boundary case as before."""

    shapes: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)

    def worth_sending(self, case: schemathesis.Case) -> bool:
        codes: set[str] = set()
        request = [case.method, case.operation.path, case.path_parameters, case.query, case.headers, case.body]
        shape = json.dumps(_masked(request, codes), sort_keys=True, default=repr)
        if shape in self.shapes and codes <= self.codes:
            return False
        self.shapes.add(shape)
        self.codes |= codes
        return True


BOUNDARY_SHAPES = BoundaryShapes()


@coverage.parametrize()
@HYPOTHESIS
def test_it_never_answers_5xx_to_boundary_cases(case: schemathesis.Case, target: Target) -> None:
    _point_at_real_objects(case, target)
    if not BOUNDARY_SHAPES.worth_sending(case):
        SENT["boundary: not sent, another ISO code in a case already sent", "cases"] += 1
        return
    for persona in COVERAGE_PERSONAS:
        _send_as(case, persona=persona, target=target, test="boundary")
