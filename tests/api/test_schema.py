"""The OpenAPI schema documents every view without a warning."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tests.api.conftest import PERSONAS, World, client_for
from tests.support.openapi import assert_documented


@pytest.mark.django_db
def test_it_generates_a_valid_schema_without_warnings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "schema.yml"
    # --fail-on-warn exits non-zero on any warning (an unannotated view, an
    # untyped path parameter), and --validate checks it against the OpenAPI spec.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out), stderr=io.StringIO())
    schema = out.read_text()
    for path in ("/api/v1/vacancies/{external_id}/status:", "/api/v1/applications/{id}/transition:", "/api/v1/me:"):
        assert path in schema


# Every GET whose answer depends on who asks or on what they stored, with the world's objects in its path.
_GETS = [
    ("/api/v1/vacancies/", None),
    ("/api/v1/vacancies/{external_id}", "vacancy"),
    ("/api/v1/volunteers/", None),
    ("/api/v1/volunteers/{external_id}", "volunteer"),
    ("/api/v1/applications/", None),
    ("/api/v1/applications/{id}", "application"),
    ("/api/v1/profile", None),
    ("/api/v1/alerts/preferences", None),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("template", "obj"), _GETS)
def test_it_documents_what_each_persona_is_answered(world: World, persona: str, template: str, obj: str | None) -> None:
    # Every answer a client can get must match what the schema documents:
    # generated clients break on a field documented as required that is absent,
    # or on a value ("" for gender, null before anything is stored) the schema rules out.
    ids = {
        "vacancy": world.vacancy.external_id,
        "volunteer": world.volunteer.external_id,
        "application": world.application.pk,
    }
    path = template.format(external_id=ids.get(obj or ""), id=ids.get(obj or ""))
    response = client_for(world.user(persona)).get(path)
    assert_documented(response, method="GET", template=template, path=path)


@pytest.mark.django_db
def test_an_input_without_a_docstring_of_its_own_is_not_described_by_a_shared_base() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    # Neither has a docstring of its own: each is described by its fields alone.
    for name in ("ConsentInputRequest", "TransitionInputRequest"):
        assert "description" not in schemas[name], (name, schemas[name].get("description"))
