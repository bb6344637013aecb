"""Daily and weekly digests: one email per person, best first, only what may still go out."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail

from alerts import tasks
from alerts.models import Alert, AlertPreference
from alerts.services.digests import digest_recipients, digest_send
from alerts.services.sending import Outcome
from assignments.services import vacancy_set_status
from tests.alerts.conftest import StoreShortlist
from tests.factories import StaffFactory, VacancyFactory, VolunteerFactory
from volunteers.models import Volunteer
from volunteers.services import volunteer_consents_set

pytestmark = pytest.mark.django_db


def _on_digest(rhythm: str = "daily", **kwargs: object) -> Volunteer:
    volunteer = VolunteerFactory(**kwargs)
    AlertPreference.objects.create(volunteer=volunteer, rhythm=rhythm, channels=["email"])
    return volunteer


def test_it_groups_a_persons_alerts_into_one_email_best_first(store_shortlist: StoreShortlist) -> None:
    hodan = _on_digest()
    store_shortlist(VacancyFactory(title="Midwifery Tutor"), [(hodan, 0.55)])
    store_shortlist(VacancyFactory(title="Neonatal Care Mentor"), [(hodan, 0.91)])
    store_shortlist(VacancyFactory(title="Skills Lab Coordinator"), [(hodan, 0.73)])

    assert tasks.send_digest(hodan.pk, "daily") == "sent"

    [email] = mail.outbox
    assert email.to == [hodan.email]
    assert email.subject == "3 assignments that fit you"
    for body in (email.body, email.alternatives[0][0]):
        positions = [body.index(t) for t in ("Neonatal Care Mentor", "Skills Lab Coordinator", "Midwifery Tutor")]
        assert positions == sorted(positions)
    assert email.message()["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert set(Alert.objects.filter(volunteer=hodan).values_list("status", flat=True)) == {"sent"}


def test_it_sends_each_person_their_own_digest(store_shortlist: StoreShortlist) -> None:
    hodan, cawo = _on_digest(), _on_digest()
    store_shortlist(VacancyFactory(), [(hodan, 0.8), (cawo, 0.7)])
    store_shortlist(VacancyFactory(), [(cawo, 0.6)])

    for volunteer_id in digest_recipients(deliver="daily"):
        digest_send(volunteer_id=volunteer_id, deliver="daily")

    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        [(hodan.email, "1 assignment that fits you"), (cawo.email, "2 assignments that fit you")]
    )


def test_daily_and_weekly_digests_and_instant_alerts_stay_apart(store_shortlist: StoreShortlist) -> None:
    daily, weekly, instant = _on_digest("daily"), _on_digest("weekly"), VolunteerFactory()
    store_shortlist(VacancyFactory(), [(daily, 0.8), (weekly, 0.8), (instant, 0.8)])

    assert digest_recipients(deliver="daily") == [daily.pk]
    assert digest_recipients(deliver="weekly") == [weekly.pk]
    assert digest_send(volunteer_id=instant.pk, deliver="daily") == (Outcome.NOT_CLAIMED, 0)


def test_a_digest_sent_twice_goes_out_once(store_shortlist: StoreShortlist) -> None:
    hodan = _on_digest()
    store_shortlist(VacancyFactory(), [(hodan, 0.8)])

    outcomes = [tasks.send_digest(hodan.pk, "daily"), tasks.send_digest(hodan.pk, "daily")]

    assert outcomes == ["sent", "not_claimed"]
    assert len(mail.outbox) == 1


def test_a_vacancy_closed_before_the_digest_is_left_out(store_shortlist: StoreShortlist) -> None:
    hodan = _on_digest()
    closed, still_open = VacancyFactory(title="Closed Post"), VacancyFactory(title="Open Post")
    store_shortlist(closed, [(hodan, 0.9)])
    store_shortlist(still_open, [(hodan, 0.6)])
    vacancy_set_status(vacancy=closed, status="closed", actor=StaffFactory())

    digest_send(volunteer_id=hodan.pk, deliver="daily")

    [email] = mail.outbox
    assert "Open Post" in email.body
    assert "Closed Post" not in email.body
    assert dict(Alert.objects.values_list("vacancy__title", "status")) == {
        "Closed Post": "skipped",
        "Open Post": "sent",
    }


def test_consent_withdrawn_before_the_digest_sends_nothing(store_shortlist: StoreShortlist) -> None:
    hodan = _on_digest()
    store_shortlist(VacancyFactory(), [(hodan, 0.8)])
    volunteer_consents_set(volunteer=hodan, alerts=False)

    assert digest_send(volunteer_id=hodan.pk, deliver="daily")[0] == Outcome.SKIPPED
    assert mail.outbox == []


def test_the_beat_task_queues_one_digest_per_person(store_shortlist: StoreShortlist) -> None:
    hodan, cawo = _on_digest(), _on_digest()
    store_shortlist(VacancyFactory(), [(hodan, 0.8), (cawo, 0.7)])
    store_shortlist(VacancyFactory(), [(cawo, 0.6)])

    with mock.patch.object(tasks.send_digest, "delay") as delay:  # the broker is the boundary
        assert tasks.send_digests("daily") == 2

    assert sorted(call.args for call in delay.call_args_list) == sorted([(hodan.pk, "daily"), (cawo.pk, "daily")])


def test_it_refuses_a_rhythm_that_is_not_a_digest() -> None:
    with pytest.raises(ValueError, match="not a digest rhythm"):
        digest_send(volunteer_id=1, deliver="instant")
