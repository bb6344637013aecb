"""Managers hear back: first strong candidates, a daily summary of interest, applications left waiting.

Each is keyed so it happens once: once per vacancy and manager, once per day
and manager, once per application, step and manager (and one status note to
the volunteer per application and step).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from alerts.models import Alert, Channel
from alerts.services.dispatch import alert_send_requested, alerts_dispatch_vacancy_requested
from assignments.dashboard import WAITING_ON_MANAGER
from assignments.models import Application, Vacancy

MANAGER_CHANNELS = (Channel.EMAIL, Channel.INAPP)
# Steps at which an application waits for the programme, not for the volunteer
# (the dashboard lists the same ones, longest waiting first).
WAITING_STEPS = WAITING_ON_MANAGER


def _create_once(**fields: Any) -> Alert | None:
    """Insert an alert unless its (key, channel) exists; return it only when new."""
    try:
        with transaction.atomic():
            return Alert.objects.create(**fields)
    except IntegrityError:
        return None


def _managers_of(vacancy: Vacancy) -> list[User]:
    return list(vacancy.programme.managers.filter(is_active=True).order_by("pk"))


def manager_first_candidates_alert(*, vacancy: Vacancy, strong_count: int) -> int:
    """Tell the vacancy's managers, once, that it has its first ALERT_MANAGER_FIRST_N strong candidates.

    Called from the matching hook inside the transaction that stored the results.
    """
    if strong_count < settings.ALERT_MANAGER_FIRST_N:
        return 0
    managers = _managers_of(vacancy)
    # Every later rescore of anyone on the list asks again: one read answers it, not a refused insert each.
    told = set(
        Alert.objects.filter(kind=Alert.Kind.MANAGER_FIRST, vacancy=vacancy, user__in=managers).values_list(
            "user_id", "channel"
        )
    )
    created = 0
    for manager in managers:
        for channel in MANAGER_CHANNELS:
            if (manager.pk, channel) in told:
                continue
            alert = _create_once(
                kind=Alert.Kind.MANAGER_FIRST,
                key=f"first:{vacancy.pk}:{manager.pk}",
                channel=channel,
                user=manager,
                vacancy=vacancy,
                context={"count": strong_count},
            )
            created += alert is not None
    if created:
        alerts_dispatch_vacancy_requested(vacancy_id=vacancy.pk)
    return created


@transaction.atomic
def manager_summaries_create(*, day: date | None = None) -> int:
    """Create each manager's summary of the interest expressed on ``day`` (yesterday by default).

    One summary per manager and day, listing each of their vacancies that
    drew new interest; nothing for a manager with none. Safe to run twice.
    """
    day = day or timezone.localdate() - timedelta(days=1)
    start = timezone.make_aware(datetime.combine(day, time.min))
    counts = (
        Application.objects.filter(created_at__gte=start, created_at__lt=start + timedelta(days=1))
        .values("vacancy_id")
        .annotate(new=Count("pk"))
    )
    new_by_vacancy = {row["vacancy_id"]: row["new"] for row in counts}
    per_manager: dict[int, list[dict[str, Any]]] = {}
    managers: dict[int, User] = {}
    vacancies = Vacancy.objects.filter(pk__in=new_by_vacancy).select_related("programme").order_by("title", "pk")
    for vacancy in vacancies:
        for manager in _managers_of(vacancy):
            managers[manager.pk] = manager
            per_manager.setdefault(manager.pk, []).append(
                {
                    "vacancy_id": vacancy.pk,
                    "external_id": vacancy.external_id,
                    "title": vacancy.title,
                    "new": new_by_vacancy[vacancy.pk],
                    "total": vacancy.applications.count(),
                }
            )
    created = 0
    for manager_id, rows in per_manager.items():
        rows.sort(key=lambda r: (-r["new"], r["title"]))
        for channel in MANAGER_CHANNELS:
            alert = _create_once(
                kind=Alert.Kind.MANAGER_SUMMARY,
                key=f"summary:{day.isoformat()}:{manager_id}",
                channel=channel,
                user=managers[manager_id],
                context={"day": day.isoformat(), "vacancies": rows},
            )
            if alert is not None:
                alert_send_requested(alert=alert)
                created += 1
    return created


@transaction.atomic
def stale_applications_alerts_create(*, now: datetime | None = None) -> int:
    """Remind managers of applications waiting more than ALERT_STALE_DAYS at one step, with a note to the volunteer.

    Once per application and step: a later step that waits too long earns
    its own reminder. Safe to run twice.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ALERT_STALE_DAYS)
    waiting = (
        Application.objects.filter(status__in=WAITING_STEPS, status_changed_at__lt=cutoff, volunteer__isnull=False)
        .exclude(vacancy__status=Vacancy.Status.DRAFT)
        .select_related("vacancy__programme", "volunteer")
        .order_by("pk")
    )
    created = 0
    for application in waiting:
        step = application.status
        days = (now - application.status_changed_at).days
        context = {"step": step, "days": days}
        new: list[Alert | None] = []
        for manager in _managers_of(application.vacancy):
            for channel in MANAGER_CHANNELS:
                new.append(
                    _create_once(
                        kind=Alert.Kind.STALE_REMINDER,
                        key=f"stale:{application.pk}:{step}:{manager.pk}",
                        channel=channel,
                        user=manager,
                        vacancy=application.vacancy,
                        application=application,
                        context=context,
                    )
                )
        volunteer = application.volunteer
        if volunteer is None:  # erased between the query and now
            continue
        note_channels = []
        if volunteer.email_confirmed_at is not None:
            note_channels.append(Channel.EMAIL)
        if volunteer.user_id is not None:
            note_channels.append(Channel.INAPP)
        for channel in note_channels:
            new.append(
                _create_once(
                    kind=Alert.Kind.STATUS_NOTE,
                    key=f"note:{application.pk}:{step}",
                    channel=channel,
                    volunteer=volunteer,
                    vacancy=application.vacancy,
                    application=application,
                    context=context,
                )
            )
        for alert in new:
            if alert is not None:
                alert_send_requested(alert=alert)
                created += 1
    return created
