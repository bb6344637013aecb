"""Graded pairs for the ranker beyond the dev set: the outcomes recorded in production.

Managers' decisions and volunteers' answers are recorded as graded pairs
(`matching.outcomes`); this turns them into the engine's training set for
`manage.py train_ranker`: the judged profiles and vacancies as the engine sees them,
and one grade per pair. Profiles that may no longer be matched (consent withdrawn,
erased) are left out.
"""

from __future__ import annotations

from assignments.models import Vacancy
from matching.convert import PROFILE_FIELDS, profile_from_row, vacancy_to_engine
from matching.engine.learn import GradedPair, TrainingSet
from matching.outcomes import outcome_pairs
from volunteers.models import Volunteer


def recorded_outcomes() -> TrainingSet:
    """Profiles, vacancies and graded pairs recorded in production (engine ids: primary keys)."""
    judged = outcome_pairs()
    if not judged:
        return TrainingSet((), (), ())
    rows = Volunteer.objects.matchable().filter(pk__in={p.volunteer_id for p in judged}).values(*PROFILE_FIELDS)
    profiles = [profile_from_row(row) for row in rows]
    vacancies = [
        vacancy_to_engine(v)
        for v in Vacancy.objects.select_related("host_institution").filter(pk__in={p.vacancy_id for p in judged})
    ]
    known = {p.id for p in profiles}
    pairs = [
        GradedPair(vacancy_id=str(p.vacancy_id), profile_id=str(p.volunteer_id), grade=p.grade)
        for p in judged
        if str(p.volunteer_id) in known
    ]
    return TrainingSet(profiles, vacancies, pairs)
