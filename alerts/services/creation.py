"""Alerts from stored match results, created by the task that the outbox row written with them queues.

Who is alerted: an eligible candidate on a vacancy's stored shortlist (the
engine stores eligible candidates only) who is among the ALERT_TOP_N best and
scores at least ALERT_MIN_SCORE and their own minimum; who consented to
alerts, confirmed their address, is not erased, has not applied already, and
whose preferences (sectors, countries, channels, rhythm, pause) let it through.
Each (volunteer, vacancy, channel) gets one alert ever: the rows carry a
unique key, and inserting one that exists does nothing.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from alerts.models import Alert, Channel, Rhythm
from alerts.selectors import alerts_for_vacancy_pending, preference_for, volunteer_may_receive
from alerts.services.claims import UNUSED_PROFILE_FIELDS
from alerts.services.dispatch import alerts_dispatch_vacancy_requested
from alerts.services.managers import manager_first_candidates_alert
from assignments.models import Application, Vacancy
from matching.engine.model import load_model
from matching.models import MatchResult
from volunteers.models import Volunteer


def alert_min_score() -> float:
    """The lowest score that alerts: ALERT_MIN_SCORE, or unset, the ranker's calibrated "good" band."""
    if settings.ALERT_MIN_SCORE is not None:
        return float(settings.ALERT_MIN_SCORE)
    return load_model().good


def strong_candidates(*, vacancy_id: int) -> list[dict[str, Any]]:
    """The stored candidates strong enough to alert: top ALERT_TOP_N scoring at least alert_min_score()."""
    rows = (
        MatchResult.objects.filter(vacancy_id=vacancy_id)
        .order_by("-score", "volunteer_id")
        .values("volunteer_id", "score", "reasons")[: settings.ALERT_TOP_N]
    )
    floor = alert_min_score()
    return [{**row, "rank": rank} for rank, row in enumerate(rows, start=1) if row["score"] >= floor]


def _wants(volunteer: Volunteer, vacancy: Vacancy, score: float) -> bool:
    preference = preference_for(volunteer=volunteer)
    if score < preference.min_score:
        return False
    if preference.sectors and vacancy.sector.strip().casefold() not in {s.casefold() for s in preference.sectors}:
        return False
    return not (preference.countries and vacancy.country.upper() not in preference.countries)


@transaction.atomic
def alerts_for_vacancy_results(*, vacancy_id: int) -> int:
    """Create the alerts a vacancy's stored list calls for; return how many rows were new.

    Matching asks for this (an outbox row) in the transaction that stores the
    list. The alerts and the outbox row that sends them commit together.
    Running it again creates nothing new.
    """
    return alerts_for_stored_results(vacancy_id=vacancy_id)


@transaction.atomic
def alerts_for_volunteer_results(*, volunteer_id: int) -> int:
    """Create the alerts a rescored person's places on open vacancies' lists call for.

    Only this person is considered on each list; running it again creates
    nothing new.
    """
    vacancy_ids = (
        MatchResult.objects.filter(volunteer_id=volunteer_id, vacancy__status=Vacancy.Status.OPEN)
        .order_by("vacancy_id")
        .values_list("vacancy_id", flat=True)
    )
    return sum(alerts_for_stored_results(vacancy_id=pk, volunteer_ids={volunteer_id}) for pk in vacancy_ids)


def alerts_for_stored_results(*, vacancy_id: int, volunteer_ids: Collection[int] | None = None) -> int:
    """Create the alerts a vacancy's stored list calls for; return how many rows were new.

    With ``volunteer_ids`` only those people are considered (a single profile
    rescored). Running it again creates nothing new.
    """
    vacancy = Vacancy.objects.filter(pk=vacancy_id, status=Vacancy.Status.OPEN).select_related("programme").first()
    if vacancy is None:
        return 0
    strong = strong_candidates(vacancy_id=vacancy_id)
    manager_first_candidates_alert(vacancy=vacancy, strong_count=len(strong))
    if volunteer_ids is not None:
        wanted = set(volunteer_ids)
        strong = [row for row in strong if row["volunteer_id"] in wanted]
    if not strong:
        return 0
    by_id = {row["volunteer_id"]: row for row in strong}
    applied = set(
        Application.objects.filter(vacancy=vacancy, volunteer_id__in=by_id).values_list("volunteer_id", flat=True)
    )
    volunteers = (
        Volunteer.objects.matchable()
        .filter(pk__in=set(by_id) - applied)
        .select_related("alert_preference")
        .defer(*UNUSED_PROFILE_FIELDS)
    )
    rows = []
    for volunteer in volunteers:
        row = by_id[volunteer.pk]
        if not _wants(volunteer, vacancy, row["score"]):
            continue
        preference = preference_for(volunteer=volunteer)
        for channel in Channel.values:
            if volunteer_may_receive(volunteer=volunteer, channel=channel):
                continue
            # The inbox is read when the person looks: in-app alerts need no digest.
            deliver = Rhythm.INSTANT if channel == Channel.INAPP else preference.rhythm
            rows.append(
                Alert(
                    kind=Alert.Kind.MATCH,
                    key=f"match:{vacancy.pk}:{volunteer.pk}",
                    channel=channel,
                    deliver=deliver,
                    volunteer=volunteer,
                    vacancy=vacancy,
                    score=row["score"],
                    context={"reasons": row["reasons"], "rank": row["rank"]},
                )
            )
    created = _insert_new(vacancy, rows)
    if created and alerts_for_vacancy_pending(vacancy_id=vacancy.pk).exists():
        alerts_dispatch_vacancy_requested(vacancy_id=vacancy.pk)
    return created


def _insert_new(vacancy: Vacancy, rows: list[Alert]) -> int:
    """Insert a vacancy's match alerts in one statement, those that exist left alone; return how many were new.

    On PostgreSQL one ``INSERT ... SELECT FROM unnest(...) ON CONFLICT DO
    NOTHING`` with an array per column: the ORM's bulk_create spent about a
    second preparing 2,000 rows field by field (bench/bench_alerts.py, a
    vacancy alerting 1,000 people on two channels), and needed two counts
    to say how many were new.
    """
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        matches = Alert.objects.filter(vacancy=vacancy, kind=Alert.Kind.MATCH)
        before = matches.count()
        Alert.objects.bulk_create(rows, ignore_conflicts=True)
        return matches.count() - before
    columns = ("key", "channel", "deliver", "score", "context", "volunteer_id")
    values = (
        [a.key for a in rows],
        [a.channel for a in rows],
        [a.deliver for a in rows],
        [a.score for a in rows],
        [json.dumps(a.context) for a in rows],
        [a.volunteer_id for a in rows],
    )
    sql = f"""
        INSERT INTO {Alert._meta.db_table}
            (kind, status, attempts, claim_token, last_error, answer, created_at, vacancy_id, {", ".join(columns)})
        SELECT %s, %s, 0, '', '', '', %s, %s, t.key, t.channel, t.deliver, t.score, t.context::jsonb, t.volunteer_id
        FROM unnest(%s::text[], %s::text[], %s::text[], %s::float8[], %s::text[], %s::bigint[])
            AS t(key, channel, deliver, score, context, volunteer_id)
        ON CONFLICT DO NOTHING
    """  # noqa: S608 - the table name is the model's, every value a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [Alert.Kind.MATCH, Alert.Status.PENDING, timezone.now(), vacancy.pk, *values])
        return int(cursor.rowcount)
