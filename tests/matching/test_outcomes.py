"""What comes of a match is recorded as a graded pair, once, with the engine version and the score then."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from alerts.models import Alert
from alerts.services.answers import alert_answer_not_for_me
from assignments.services import application_advance, application_express_interest, application_withdraw
from core.tasknames import RECORD_OUTCOME
from matching import engine, rank
from matching.index_cache import roster_index_reset
from matching.models import MatchOutcome
from matching.outcomes import GradedPair, outcome_pairs
from tests.factories import ManagerFactory, ProgrammeFactory, VacancyFactory, VolunteerFactory
from tests.support.outbox import outbox_run_pending

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cold_index() -> Iterator[None]:
    roster_index_reset()
    yield
    roster_index_reset()


def _record() -> None:
    # What the worker does with the outbox rows each step writes; twice, to show it records once.
    outbox_run_pending(tasks=(RECORD_OUTCOME,))
    for event_id in MatchOutcome.objects.values_list("application_event_id", flat=True):
        from matching.tasks import record_outcome

        if event_id is not None:
            record_outcome.run(application_event_id=event_id)


def test_each_step_is_graded_once_with_the_score_it_had() -> None:
    manager = ManagerFactory()
    vacancy = VacancyFactory(programme=ProgrammeFactory(managers=[manager]))
    volunteer = VolunteerFactory()
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    application = application_express_interest(volunteer=volunteer, vacancy=vacancy, actor=volunteer.user)
    application_advance(application=application, to_status="shortlisted", actor=manager)
    application_advance(application=application, to_status="interview", actor=manager)
    application_advance(application=application, to_status="selected", actor=manager)

    _record()

    rows = list(MatchOutcome.objects.order_by("id").values_list("signal", "grade", "engine_version"))
    assert rows == [
        ("interested", 1, engine.ENGINE_VERSION),
        ("shortlisted", 2, engine.ENGINE_VERSION),
        ("interview", 2, engine.ENGINE_VERSION),
        ("selected", 3, engine.ENGINE_VERSION),
    ]
    assert all(score is not None and score > 0 for score in MatchOutcome.objects.values_list("score", flat=True))
    assert outcome_pairs() == [GradedPair(vacancy_id=vacancy.pk, volunteer_id=volunteer.pk, grade=3)]


@pytest.mark.parametrize(("steps", "grade"), [((), 0), (("shortlisted",), 1), (("shortlisted", "interview"), 1)])
def test_not_selected_grades_a_close_call_above_a_first_look_no(steps: tuple[str, ...], grade: int) -> None:
    manager = ManagerFactory()
    vacancy = VacancyFactory(programme=ProgrammeFactory(managers=[manager]))
    volunteer = VolunteerFactory()
    application = application_express_interest(volunteer=volunteer, vacancy=vacancy, actor=volunteer.user)
    for step in (*steps, "not_selected"):
        application = application_advance(application=application, to_status=step, actor=manager)

    _record()

    assert MatchOutcome.objects.get(signal="not_selected").score is None  # never ranked in this test
    assert outcome_pairs() == [GradedPair(vacancy_id=vacancy.pk, volunteer_id=volunteer.pk, grade=grade)]


def test_a_withdrawal_says_nothing_about_the_fit() -> None:
    vacancy, volunteer = VacancyFactory(), VolunteerFactory()
    application = application_express_interest(volunteer=volunteer, vacancy=vacancy, actor=volunteer.user)
    application_withdraw(application=application, actor=volunteer.user)

    _record()

    assert list(MatchOutcome.objects.values_list("signal", flat=True)) == ["interested"]


def test_not_for_me_from_an_alert_is_a_zero_recorded_once() -> None:
    vacancy, volunteer = VacancyFactory(), VolunteerFactory()
    alert = Alert.objects.create(
        kind=Alert.Kind.MATCH, key="k", channel="email", volunteer=volunteer, vacancy=vacancy, score=0.5
    )

    alert_answer_not_for_me(alert=alert)
    alert_answer_not_for_me(alert=alert)

    assert list(MatchOutcome.objects.values_list("signal", "grade")) == [("not_for_me", 0)]
    assert outcome_pairs() == [GradedPair(vacancy_id=vacancy.pk, volunteer_id=volunteer.pk, grade=0)]


def test_train_ranker_learns_from_the_recorded_outcomes_of_people_it_may_still_match() -> None:
    from matching.learning import recorded_outcomes

    manager = ManagerFactory()
    vacancy = VacancyFactory(programme=ProgrammeFactory(managers=[manager]))
    chosen, withdrawn = VolunteerFactory(), VolunteerFactory()
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    for volunteer in (chosen, withdrawn):
        application = application_express_interest(volunteer=volunteer, vacancy=vacancy, actor=volunteer.user)
        application_advance(application=application, to_status="shortlisted", actor=manager)
    _record()
    withdrawn.matching_consent = False
    withdrawn.save(update_fields=["matching_consent"])

    data = recorded_outcomes()

    assert [p.id for p in data.profiles] == [str(chosen.pk)]
    assert [v.id for v in data.vacancies] == [str(vacancy.pk)]
    assert [(g.vacancy_id, g.profile_id, g.grade) for g in data.pairs] == [(str(vacancy.pk), str(chosen.pk), 2)]
