"""Participation by gender and residence country at each stage, in aggregate only.

A stage counts distinct people: alerted (a match alert was sent to them),
interested (they applied), shortlisted and selected (their application reached
that step, whatever happened after). Any cell with fewer than
PARTICIPATION_MIN_CELL people is hidden (None), and the countries whose every
cell would be hidden are pooled into "other countries", so that small groups
cannot be singled out. No totals are given: a total beside one hidden cell
would give it away.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_
from django_countries import countries

from alerts.models import Alert
from assignments.models import Application, Vacancy

PARTICIPATION_MIN_CELL = 10
STAGES: tuple[tuple[str, str], ...] = (
    ("alerted", N_("Alerted")),
    ("interested", N_("Interested")),
    ("shortlisted", N_("Shortlisted")),
    ("selected", N_("Selected")),
)
GENDER_LABELS = {
    "female": N_("Women"),
    "male": N_("Men"),
    "other": N_("Another gender"),
    "undisclosed": N_("Not disclosed"),
    "": N_("Not given"),
}
OTHER_COUNTRIES = N_("Other countries")
OTHER_COUNTRY = N_("Another country")

_S = Application.Status
_REACHED_SHORTLIST = (_S.SHORTLISTED, _S.INTERVIEW, _S.SELECTED, _S.DEPLOYED, _S.COMPLETED)
_REACHED_SELECTION = (_S.SELECTED, _S.DEPLOYED, _S.COMPLETED)


@dataclass(frozen=True)
class ParticipationRow:
    label: str
    cells: tuple[int | None, ...]  # one per stage; None when hidden


@dataclass(frozen=True)
class Participation:
    stages: tuple[str, ...]
    by_gender: list[ParticipationRow]
    by_country: list[ParticipationRow]
    min_cell: int = PARTICIPATION_MIN_CELL


def _counts(queryset: QuerySet[Any], dimension: str, person: str) -> dict[str, int]:
    rows = queryset.values(dimension).annotate(n=Count(person, distinct=True)).values_list(dimension, "n")
    return {key or "": n for key, n in rows}


def _stage_querysets(vacancies: QuerySet[Vacancy]) -> list[tuple[QuerySet[Any], str]]:
    ids = vacancies.values("pk")
    applications = Application.objects.filter(
        vacancy__in=ids, volunteer__isnull=False, volunteer__erased_at__isnull=True
    )
    alerted = Alert.objects.filter(
        kind=Alert.Kind.MATCH,
        status=Alert.Status.SENT,
        vacancy__in=ids,
        volunteer__isnull=False,
        volunteer__erased_at__isnull=True,
    )
    reached = lambda steps: applications.filter(Q(status__in=steps) | Q(events__to_status__in=steps))  # noqa: E731
    return [
        (alerted, "volunteer"),
        (applications, "volunteer"),
        (reached(_REACHED_SHORTLIST), "volunteer"),
        (reached(_REACHED_SELECTION), "volunteer"),
    ]


def _hide(n: int) -> int | None:
    return n if n >= PARTICIPATION_MIN_CELL else None


def participation_by_stage(*, vacancies: QuerySet[Vacancy]) -> Participation:
    """Aggregate participation in the given vacancies (8 queries whatever their number)."""
    stages = _stage_querysets(vacancies)
    gender = [_counts(qs, "volunteer__gender", person) for qs, person in stages]
    country = [_counts(qs, "volunteer__residence_country", person) for qs, person in stages]

    by_gender = [
        ParticipationRow(label=gettext(label), cells=tuple(_hide(column.get(key, 0)) for column in gender))
        for key, label in GENDER_LABELS.items()
        if any(column.get(key, 0) for column in gender)
    ]

    codes = sorted({code for column in country for code in column})
    shown = [code for code in codes if any(column.get(code, 0) >= PARTICIPATION_MIN_CELL for column in country)]
    pooled = [code for code in codes if code not in shown]
    by_country = [
        ParticipationRow(
            label=countries.name(code) or code, cells=tuple(_hide(column.get(code, 0)) for column in country)
        )
        for code in sorted(shown, key=lambda c: -country[0].get(c, 0))
    ]
    if pooled:
        by_country.append(
            ParticipationRow(
                label=gettext(OTHER_COUNTRIES if len(pooled) > 1 else OTHER_COUNTRY),
                cells=tuple(_hide(sum(column.get(code, 0) for code in pooled)) for column in country),
            )
        )
    return Participation(
        stages=tuple(gettext(label) for _, label in STAGES), by_gender=by_gender, by_country=by_country
    )
