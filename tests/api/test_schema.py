"""The OpenAPI schema documents every view without a warning."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_it_generates_a_valid_schema_without_warnings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "schema.yml"
    # --fail-on-warn exits non-zero on any warning (an unannotated view, an
    # untyped path parameter), and --validate checks it against the OpenAPI spec.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out), stderr=io.StringIO())
    schema = out.read_text()
    for path in ("/api/v1/vacancies/{external_id}/status:", "/api/v1/applications/{id}/transition:", "/api/v1/me:"):
        assert path in schema
