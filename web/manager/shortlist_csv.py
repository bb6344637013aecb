"""A vacancy's shortlist as CSV, safe to open in a spreadsheet.

A cell that a spreadsheet would run as a formula (one that starts with = + - @,
a tab or a carriage return) is written with a leading quote, so a volunteer's
headline such as ``=HYPERLINK(...)`` shows as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from matching.explain import band_of
from matching.models import MatchResult
from matching.selectors import candidate_contact, candidate_withdrew

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = (
    "rank",
    "volunteer",
    "score",
    "headline",
    "residence_country",
    "languages",
    "education",
    "years_experience",
    "matched_skills",
    "missing_skills",
    "reasons",
    "applied",
    "full_name",
    "email",
    # Added last, so that a spreadsheet reading the earlier columns by position still reads them.
    "withdrawn",
    "band",  # strong / good / partial / none, as the page's badge (`matching.explain.band_of`)
)


def neutralise(value: Any) -> Any:
    """A string cell a spreadsheet would read as a formula, prefixed with a quote; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _row(rank: int, result: MatchResult, user: User | AnonymousUser) -> list[Any]:
    volunteer = result.volunteer
    contact = candidate_contact(result, user=user)
    cells: list[Any] = [
        rank,
        volunteer.external_id,
        f"{result.score:.3f}",
        volunteer.headline,
        volunteer.residence_country,
        "; ".join(f"{code}:{level}" for code, level in sorted(volunteer.languages.items())),
        volunteer.education,
        volunteer.years_experience,
        "; ".join(f"{skill} ({theirs})" if theirs != skill else skill for skill, theirs in result.matched_skills),
        "; ".join(result.missing_skills),
        "; ".join(result.reasons),
        "yes" if getattr(result, "has_applied", False) else "no",
        contact.full_name if contact else "",
        contact.email if contact else "",
        "yes" if candidate_withdrew(result) else "no",
        band_of(result.score, result.matched_skills),
    ]
    return [neutralise(cell) for cell in cells]


def shortlist_csv(results: Iterable[MatchResult], *, user: User | AnonymousUser) -> Iterator[str]:
    """The header, then one line per candidate in the order given (best first), contact as ``user`` may see it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(COLUMNS)
    yield flush()
    for rank, result in enumerate(results, start=1):
        writer.writerow(_row(rank, result, user))
        yield flush()
