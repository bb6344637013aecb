"""Rescoring one changed profile against every open vacancy, in a constant number of queries."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Min, Window
from django.db.models.functions import RowNumber

from core.outbox import alerts_for_volunteer_requested
from matching import engine
from matching.convert import rules_for_programme, vacancy_to_engine
from matching.index_cache import index_for_volunteer
from matching.models import MatchResult
from matching.rank import open_vacancies, today
from matching.results import RESULT_FIELDS, StoredCandidate
from volunteers.models import Volunteer


def volunteer_rescore(*, volunteer_id: int) -> int:
    """Rescore one profile against every open vacancy; return how many stored lists changed.

    The profile enters a vacancy's stored list when it beats the lowest stored
    score (or the list is not full), pushing the lowest out of a full list, and
    leaves a list when it no longer qualifies. A profile that is no longer
    matchable leaves every list. The queries do not grow with the number of
    open vacancies: the engine scores in memory, and the reads and writes are
    one statement each for all the vacancies together.
    """
    if not Volunteer.objects.matchable().filter(pk=volunteer_id).exists():
        deleted, _ = MatchResult.objects.filter(volunteer_id=volunteer_id).delete()
        return deleted
    index = index_for_volunteer(volunteer_id)
    vacancies = list(open_vacancies())
    if not vacancies:
        return 0
    on_day = today()
    terms = {vacancy.pk: vacancy_to_engine(vacancy) for vacancy in vacancies}
    rules = {terms[vacancy.pk].id: rules_for_programme(vacancy.programme) for vacancy in vacancies}

    def score(pks: list[int], *, reasons: bool) -> dict[int, engine.Candidate]:
        found = engine.score_profile(
            index,
            [terms[pk] for pk in pks],
            str(volunteer_id),
            rules_for=lambda v: rules[v.id],
            today=on_day,
            reasons=reasons,
        )
        return {pk: found[terms[pk].id] for pk in pks}

    # Scores for every open vacancy; reasons only for the lists the person enters.
    scored = score(list(terms), reasons=False)
    vacancy_ids = list(scored)
    # The size and lowest score of each list the person may enter (every row of those lists
    # is counted: only the eligible ones), and which lists hold this person, in two reads.
    lists = {
        row["vacancy_id"]: (row["size"], row["lowest"])
        for row in MatchResult.objects.filter(vacancy_id__in=[pk for pk, c in scored.items() if c.eligible])
        .values("vacancy_id")
        .annotate(size=Count("id"), lowest=Min("score"))
    }
    holding = set(
        MatchResult.objects.filter(volunteer_id=volunteer_id, vacancy_id__in=vacancy_ids).values_list(
            "vacancy_id", flat=True
        )
    )
    leaving = [pk for pk, c in scored.items() if not c.eligible and pk in holding]
    entering_at: list[int] = []
    overflowing: list[int] = []
    for pk, candidate in scored.items():
        if not candidate.eligible:
            continue
        size, lowest = lists.get(pk, (0, None))
        already = pk in holding
        full = size >= settings.MATCHING_TOP_K
        if full and not already and lowest is not None and candidate.score <= lowest:
            continue
        entering_at.append(pk)
        if size + (0 if already else 1) > settings.MATCHING_TOP_K:
            overflowing.append(pk)
    if not leaving and not entering_at:
        return 0
    explained = score(entering_at, reasons=True)
    entering = [StoredCandidate.from_engine(explained[pk]) for pk in entering_at]
    with transaction.atomic():
        if leaving:
            MatchResult.objects.filter(volunteer_id=volunteer_id, vacancy_id__in=leaving).delete()
        if entering:
            MatchResult.objects.bulk_create(
                [
                    c.to_row(vacancy_id=pk, run_id=None, engine_version=engine.ENGINE_VERSION)
                    for pk, c in zip(entering_at, entering, strict=True)
                ],
                update_conflicts=True,
                unique_fields=["vacancy", "volunteer"],
                update_fields=[*RESULT_FIELDS, "computed_at"],
            )
        if overflowing:
            # The lowest row of each list that grew past the limit (never this
            # person's: they entered only by beating the lowest).
            lowest_rows = (
                MatchResult.objects.filter(vacancy_id__in=overflowing)
                .annotate(
                    place=Window(RowNumber(), partition_by=F("vacancy_id"), order_by=[F("score").asc(), F("id").desc()])
                )
                .filter(place=1)
                .values_list("pk", flat=True)
            )
            MatchResult.objects.filter(pk__in=list(lowest_rows)).delete()
        if entering:
            alerts_for_volunteer_requested(volunteer_id=volunteer_id)
    return len(leaving) + len(entering)
