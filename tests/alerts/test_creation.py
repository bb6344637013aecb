"""Who gets a match alert, by which channel and rhythm, and that it is created once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from alerts.models import Alert, AlertPreference
from assignments.models import Vacancy
from core.models import OutboxMessage
from core.tasknames import CREATE_ALERTS_FOR_VACANCY, CREATE_ALERTS_FOR_VOLUNTEER
from core.tasknames import DISPATCH_VACANCY as TASK_DISPATCH_VACANCY
from matching import rank, rescore
from matching.index_cache import roster_index_reset
from matching.models import MatchResult
from tests.alerts.conftest import StoreShortlist, match_alerts
from tests.factories import ApplicationFactory, VacancyFactory, VolunteerFactory
from tests.support.outbox import outbox_run_pending
from tests.support.results import store_results

pytestmark = pytest.mark.django_db


def test_it_alerts_a_strong_candidate_once_by_each_channel(store_shortlist: StoreShortlist) -> None:
    vacancy, volunteer = VacancyFactory(), VolunteerFactory()

    store_shortlist(vacancy, [(volunteer, 0.8)])

    assert match_alerts() == [
        (volunteer.pk, vacancy.pk, "email", "pending"),
        (volunteer.pk, vacancy.pk, "inapp", "pending"),
    ]
    email = Alert.objects.get(channel="email")
    assert email.deliver == "instant"
    assert email.score == pytest.approx(0.8)
    assert email.context["reasons"] == ["midwifery: matches 'Clinical Midwifery Tutor'", "Somali: native"]


def test_it_queues_the_sending_in_the_same_transaction(store_shortlist: StoreShortlist) -> None:
    vacancy = VacancyFactory()
    store_shortlist(vacancy, [(VolunteerFactory(), 0.8)])

    message = OutboxMessage.objects.get(task=TASK_DISPATCH_VACANCY)
    assert message.kwargs == {"vacancy_id": vacancy.pk}
    assert message.sent_at is None


def test_a_repeated_run_creates_nothing_new(store_shortlist: StoreShortlist) -> None:
    vacancy, volunteers = VacancyFactory(), [VolunteerFactory() for _ in range(3)]
    store_shortlist(vacancy, [(v, 0.9 - i / 10) for i, v in enumerate(volunteers)])
    before = list(Alert.objects.order_by("pk").values_list("pk", "key", "channel", "status"))

    store_shortlist(vacancy, [(v, 0.9 - i / 10) for i, v in enumerate(volunteers)])
    store_shortlist(vacancy, [(v, 0.5) for v in reversed(volunteers)])

    assert list(Alert.objects.order_by("pk").values_list("pk", "key", "channel", "status")) == before
    assert len(before) == 6


def test_the_database_itself_refuses_a_second_alert_for_the_same_volunteer_vacancy_and_channel(
    store_shortlist: StoreShortlist,
) -> None:
    vacancy, volunteer = VacancyFactory(), VolunteerFactory()
    store_shortlist(vacancy, [(volunteer, 0.8)])

    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(
            kind="match", key=f"other:{vacancy.pk}", channel="email", volunteer=volunteer, vacancy=vacancy
        )


def test_it_alerts_only_scores_at_or_above_the_setting(store_shortlist: StoreShortlist) -> None:
    vacancy = VacancyFactory()
    strong, borderline, weak = VolunteerFactory(), VolunteerFactory(), VolunteerFactory()

    store_shortlist(vacancy, [(strong, 0.7), (borderline, 0.35), (weak, 0.34)])

    assert {row[0] for row in match_alerts()} == {strong.pk, borderline.pk}


def test_it_alerts_only_the_top_n_of_the_stored_list(store_shortlist: StoreShortlist, settings: Any) -> None:
    settings.ALERT_TOP_N = 2
    vacancy = VacancyFactory()
    first, second, third = VolunteerFactory(), VolunteerFactory(), VolunteerFactory()

    store_shortlist(vacancy, [(third, 0.6), (first, 0.9), (second, 0.8)])

    assert {row[0] for row in match_alerts()} == {first.pk, second.pk}


def test_it_respects_a_persons_own_minimum_score(store_shortlist: StoreShortlist) -> None:
    vacancy, picky, easy = VacancyFactory(), VolunteerFactory(), VolunteerFactory()
    AlertPreference.objects.create(volunteer=picky, min_score=0.75)

    store_shortlist(vacancy, [(picky, 0.7), (easy, 0.7)])

    assert {row[0] for row in match_alerts()} == {easy.pk}


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"alerts_consent": False}, "no consent to alerts"),
        ({"email_confirmed_at": None}, "address not confirmed"),
        ({"erased_at": timezone.now()}, "erased"),
    ],
)
def test_it_alerts_only_consenting_confirmed_living_accounts(
    store_shortlist: StoreShortlist, change: dict[str, Any], why: str
) -> None:
    vacancy, volunteer = VacancyFactory(), VolunteerFactory()
    Volunteer = type(volunteer)
    store_shortlist(vacancy, [(volunteer, 0.8)])
    Alert.objects.all().delete()
    Volunteer.objects.filter(pk=volunteer.pk).update(**change)

    store_shortlist(vacancy, [(volunteer, 0.8)])

    assert match_alerts() == [], why


def test_it_does_not_alert_someone_who_already_applied(store_shortlist: StoreShortlist) -> None:
    vacancy, volunteer = VacancyFactory(), VolunteerFactory()
    ApplicationFactory(vacancy=vacancy, volunteer=volunteer)

    store_shortlist(vacancy, [(volunteer, 0.8)])

    assert match_alerts() == []


def test_it_does_not_alert_about_a_vacancy_that_is_not_open(store_shortlist: StoreShortlist) -> None:
    vacancy = VacancyFactory(status=Vacancy.Status.CLOSED)

    store_shortlist(vacancy, [(VolunteerFactory(), 0.8)])

    assert match_alerts() == []
    assert not OutboxMessage.objects.filter(task=TASK_DISPATCH_VACANCY).exists()


@pytest.mark.parametrize(
    ("preference", "alerted"),
    [
        ({"sectors": ["health"]}, True),  # case does not matter
        ({"sectors": ["Finance"]}, False),
        ({"countries": ["SO"]}, True),
        ({"countries": ["ET", "KE"]}, False),
        ({"rhythm": "off"}, False),
        ({"paused_until": timezone.localdate() + timedelta(days=3)}, False),
        ({"paused_until": timezone.localdate() - timedelta(days=1)}, True),
        ({"channels": []}, False),
    ],
)
def test_it_follows_the_persons_preferences(
    store_shortlist: StoreShortlist, preference: dict[str, Any], alerted: bool
) -> None:
    vacancy, volunteer = VacancyFactory(sector="Health", country="SO"), VolunteerFactory()
    AlertPreference.objects.create(volunteer=volunteer, **preference)

    store_shortlist(vacancy, [(volunteer, 0.8)])

    assert bool(match_alerts()) is alerted


def test_it_sends_only_by_the_chosen_channels(store_shortlist: StoreShortlist) -> None:
    vacancy, volunteer = VacancyFactory(), VolunteerFactory()
    AlertPreference.objects.create(volunteer=volunteer, channels=["inapp"])

    store_shortlist(vacancy, [(volunteer, 0.8)])

    assert [row[2] for row in match_alerts()] == ["inapp"]


def test_a_digest_rhythm_holds_the_email_and_leaves_the_inbox_instant(store_shortlist: StoreShortlist) -> None:
    vacancy, volunteer = VacancyFactory(), VolunteerFactory()
    AlertPreference.objects.create(volunteer=volunteer, rhythm="weekly")

    store_shortlist(vacancy, [(volunteer, 0.8)])

    assert dict(Alert.objects.values_list("channel", "deliver")) == {"email": "weekly", "inapp": "instant"}


def test_a_profile_without_an_account_gets_email_only(store_shortlist: StoreShortlist) -> None:
    vacancy, volunteer = VacancyFactory(), VolunteerFactory(user=None, email="imported@example.org")

    store_shortlist(vacancy, [(volunteer, 0.8)])

    assert [row[2] for row in match_alerts()] == ["email"]


def test_the_request_for_alerts_commits_with_the_results_or_not_at_all() -> None:
    vacancy, volunteer = VacancyFactory(), VolunteerFactory()

    with (
        mock.patch("matching.results.alerts_for_vacancy_requested", side_effect=RuntimeError("outbox table locked")),
        pytest.raises(RuntimeError),
    ):
        store_results(vacancy, [(volunteer, 0.8)])

    assert not MatchResult.objects.filter(vacancy=vacancy).exists()
    store_results(vacancy, [(volunteer, 0.8)])
    assert OutboxMessage.objects.filter(task=CREATE_ALERTS_FOR_VACANCY, key=f"vacancy:{vacancy.pk}").exists()


def test_a_real_ranking_run_alerts_once_however_often_it_runs(settings: Any) -> None:
    settings.ALERT_MIN_SCORE = 0.0  # the engine's own scores are not what this test is about
    roster_index_reset()
    vacancy = VacancyFactory()
    volunteers = [VolunteerFactory() for _ in range(3)]

    rank.vacancy_rank(vacancy_id=vacancy.pk)
    outbox_run_pending(tasks=(CREATE_ALERTS_FOR_VACANCY,))
    first = match_alerts()
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    outbox_run_pending(tasks=(CREATE_ALERTS_FOR_VACANCY,))

    assert {row[0] for row in first} == {v.pk for v in volunteers}
    assert match_alerts() == first


def test_a_rescored_profile_that_becomes_strong_is_alerted_once(settings: Any) -> None:
    settings.ALERT_MIN_SCORE = 0.0
    roster_index_reset()
    vacancy = VacancyFactory()
    newcomer = VolunteerFactory(languages={"en": "native"})  # fails the Somali requirement
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    outbox_run_pending(tasks=(CREATE_ALERTS_FOR_VACANCY,))
    assert match_alerts() == []

    type(newcomer).objects.filter(pk=newcomer.pk).update(
        languages={"so": "native", "en": "fluent"}, updated_at=timezone.now()
    )
    rescore.volunteer_rescore(volunteer_id=newcomer.pk)
    outbox_run_pending(tasks=(CREATE_ALERTS_FOR_VOLUNTEER,))
    rescore.volunteer_rescore(volunteer_id=newcomer.pk)
    outbox_run_pending(tasks=(CREATE_ALERTS_FOR_VOLUNTEER,))

    assert match_alerts() == [
        (newcomer.pk, vacancy.pk, "email", "pending"),
        (newcomer.pk, vacancy.pk, "inapp", "pending"),
    ]
