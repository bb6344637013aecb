"""No roster file, however broken, makes an upload answer 5xx.

Files are generated: random bytes; JSON Lines records whose values are any
JSON, cut off at any byte; CSV with odd quoting, stray delimiters and line
breaks, in encodings the format does not allow. Each is uploaded as a staff
member (volunteer roster) and as the programme's manager (its vacancies),
under names with and without a known extension. Every answer is a report
(200) or a 4xx in the API's error shape; nothing is ever half-written by a 5xx.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roster.formats import VACANCY_FIELDS, VOLUNTEER_FIELDS
from tests.api.conftest import World, client_for
from tests.fuzz.conftest import SENT, assert_error_shape
from tests.roster.conftest import a_vacancy, a_volunteer

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    print_blob=False,
)

_odd_text = st.text(
    st.characters(codec="utf-8") | st.sampled_from(['"', "'", ",", ";", ":", "\n", "\r", "\x00", "\ufeff", "\u202e"]),
    max_size=40,
)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _odd_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_odd_text, children, max_size=3),
    max_leaves=8,
)


@st.composite
def _records(draw: st.DrawFn, *, base: dict[str, Any], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """Valid records with some fields replaced by any JSON, dropped, or joined by unknown ones."""
    records = []
    for n in range(draw(st.integers(1, 4))):
        record = {**base, "external_id": f"F-{n}", "email": f"fuzz{n}@example.org"}
        record = {key: value for key, value in record.items() if key in fields}
        for key in draw(st.lists(st.sampled_from([*fields, "unknown"]), max_size=3)):
            if draw(st.booleans()):
                record[key] = draw(_json)
            else:
                record.pop(key, None)
        records.append(record)
    return records


@st.composite
def _jsonl(draw: st.DrawFn, *, base: dict[str, Any], fields: tuple[str, ...]) -> bytes:
    lines = [
        json.dumps(record, ensure_ascii=draw(st.booleans()), allow_nan=True)
        for record in draw(_records(base=base, fields=fields))
    ]
    data = "\n".join(lines).encode()
    cut = draw(st.integers(0, len(data)))
    return data[:cut] if draw(st.booleans()) else data


@st.composite
def _csv(draw: st.DrawFn, *, base: dict[str, Any], fields: tuple[str, ...]) -> bytes:
    columns = draw(
        st.permutations(list(fields)).map(lambda cols: cols[: max(1, len(cols) - 2)]) | st.just(list(fields))
    )
    buffer = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
    writer = csv.writer(buffer, quoting=quoting, lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"])))
    writer.writerow(columns)
    for record in draw(_records(base=base, fields=fields)):
        writer.writerow([draw(_odd_text) if draw(st.integers(0, 4)) == 0 else str(record.get(c, "")) for c in columns])
    text = buffer.getvalue()
    if draw(st.booleans()):
        # A hand-edited file: an unbalanced quote or a stray delimiter somewhere.
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(['"', '""', ",", "\n", "\x00"])) + text[at:]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252", "shift_jis"]))
    return text.encode(encoding, errors="replace")


def _files(*, base: dict[str, Any], fields: tuple[str, ...]) -> st.SearchStrategy[tuple[str, bytes]]:
    names = st.sampled_from(["roster.jsonl", "roster.csv", "ROSTER.CSV", "roster.txt", "roster", ".csv", "r\x00.csv"])
    contents = st.one_of(
        st.binary(max_size=2000),
        _jsonl(base=base, fields=fields),
        _csv(base=base, fields=fields),
    )
    return st.tuples(names, contents)


_flags = st.sampled_from(["true", "false", "", "maybe", "1"])


def _upload(user: Any, url: str, *, name: str, data: bytes, atomic: str, dry_run: str) -> Any:
    body = {"file": SimpleUploadedFile(name, data), "atomic": atomic, "dry_run": dry_run}
    # Rolled back after each upload: every example meets the same world.
    with transaction.atomic():
        response = client_for(user).post(url, body, format="multipart")
        transaction.set_rollback(True)
    SENT["uploads", "staff" if user.is_staff_member else "manager"] += 1
    return response


def _assert_report_or_error_shape(response: Any) -> None:
    assert response.status_code < 500, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    if response.status_code == 200:
        assert {"created", "updated", "unchanged", "rejected", "written"} <= set(body)
        return
    assert 400 <= response.status_code < 500
    assert_error_shape(response.status_code, body)


@EXAMPLES
@given(file=_files(base=a_volunteer(), fields=VOLUNTEER_FIELDS), atomic=_flags, dry_run=_flags)
def test_it_never_answers_5xx_to_a_volunteer_roster_file(
    world: World, file: tuple[str, bytes], atomic: str, dry_run: str
) -> None:
    name, data = file
    response = _upload(
        world.staff, "/api/v1/roster/volunteers/import", name=name, data=data, atomic=atomic, dry_run=dry_run
    )
    _assert_report_or_error_shape(response)


@EXAMPLES
@given(file=_files(base=a_vacancy(), fields=VACANCY_FIELDS), atomic=_flags, dry_run=_flags)
def test_it_never_answers_5xx_to_a_vacancy_file(
    world: World, file: tuple[str, bytes], atomic: str, dry_run: str
) -> None:
    name, data = file
    url = f"/api/v1/programmes/{world.programme.slug}/vacancies/import"
    response = _upload(world.manager, url, name=name, data=data, atomic=atomic, dry_run=dry_run)
    _assert_report_or_error_shape(response)
