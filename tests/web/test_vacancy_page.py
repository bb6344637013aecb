"""The vacancy page an alert links to, and saying "I'm interested" there: the same rules as the API."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from assignments.models import Application, Vacancy
from tests.factories import ProgrammeFactory, VacancyFactory
from tests.web.conftest import client_for
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def _url(vacancy: Vacancy) -> str:
    return f"/vacancies/{vacancy.external_id}/"


def _interest(vacancy: Vacancy) -> str:
    return f"/vacancies/{vacancy.external_id}/interest/"


def _api(volunteer: Volunteer) -> APIClient:
    api = APIClient()
    api.force_authenticate(volunteer.user)
    return api


def test_anyone_can_read_an_open_vacancy() -> None:
    vacancy = VacancyFactory(title="Clinical Midwifery Tutor", description="Mentor tutors on the labour ward.")
    response = Client().get(_url(vacancy))
    assert response.status_code == 200
    assert b"Clinical Midwifery Tutor" in response.content
    assert b"Mentor tutors on the labour ward." in response.content
    assert b"Somali (professional)" in response.content  # languages by name, not code
    assert b"Log in" in response.content


def test_a_draft_vacancy_does_not_exist_for_the_public() -> None:
    assert Client().get(_url(VacancyFactory(status=Vacancy.Status.DRAFT))).status_code == 404


@pytest.mark.parametrize(
    ("status", "says"),
    [(Vacancy.Status.CLOSED, b"This vacancy is closed"), (Vacancy.Status.FILLED, b"has been filled")],
)
def test_a_vacancy_no_longer_open_explains_itself(status: str, says: bytes) -> None:
    response = Client().get(_url(VacancyFactory(status=status)))
    assert response.status_code == 410
    assert says in response.content
    assert b"I'm interested" not in response.content


def test_a_volunteer_says_they_are_interested_once_however_often_they_click(
    hodan: Client, volunteer: Volunteer
) -> None:
    vacancy = VacancyFactory()
    for _ in range(2):
        response = hodan.post(_interest(vacancy), {"motivation": "Waxaan ahay umuliso."})
        assert response.status_code == 302
    application = Application.objects.get(vacancy=vacancy, volunteer=volunteer)
    assert application.motivation == "Waxaan ahay umuliso."
    assert application.events.count() == 1
    page = hodan.get(_url(vacancy)).content
    assert b"You said you are interested on" in page
    assert b"You had already sent this; nothing changed." in page


def test_a_second_motivation_replaces_the_first_and_the_page_says_so(hodan: Client, volunteer: Volunteer) -> None:
    vacancy = VacancyFactory()
    hodan.post(_interest(vacancy), {"motivation": "First words."})
    response = hodan.post(_interest(vacancy), {"motivation": "Better words."}, follow=True)
    assert b"Your motivation is updated." in response.content
    assert Application.objects.get(vacancy=vacancy, volunteer=volunteer).motivation == "Better words."


def test_once_shortlisted_a_new_motivation_is_not_taken_and_the_page_says_it_was_already_sent(
    hodan: Client, volunteer: Volunteer
) -> None:
    vacancy = VacancyFactory()
    Application.objects.create(vacancy=vacancy, volunteer=volunteer, motivation="First.", status="shortlisted")
    response = hodan.post(_interest(vacancy), {"motivation": "Changed my mind."}, follow=True)
    assert b"You had already said you are interested (status: Shortlisted); nothing changed." in response.content
    assert Application.objects.get(vacancy=vacancy, volunteer=volunteer).motivation == "First."


@pytest.mark.parametrize(
    ("motivation", "reason"),
    [
        ("I am a midwife\x00", "must not contain NUL characters"),
        ("evil\u202egnp.exe", "must not contain bidirectional override characters"),
        ("bell\x07", "must not contain control characters"),
        ("x" * 5001, "must be at most 5000 characters"),
    ],
)
def test_a_motivation_the_api_refuses_the_page_refuses_too_at_the_field_keeping_the_text(
    hodan: Client, volunteer: Volunteer, motivation: str, reason: str
) -> None:
    vacancy = VacancyFactory()
    response = hodan.post(_interest(vacancy), {"motivation": motivation})
    assert response.status_code == 400
    html = response.content.decode()
    assert reason in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_motivation_error' in html
    assert 'id="id_motivation_error"' in html
    assert not Application.objects.exists()

    api = _api(volunteer).post(f"/api/v1/vacancies/{vacancy.external_id}/interest", {"motivation": motivation})
    assert api.status_code == 400
    [api_reason] = api.json()["errors"]["motivation"]
    assert api_reason.startswith(reason)  # one check, one wording
    assert not Application.objects.exists()


def test_the_motivation_typed_is_kept_when_the_page_comes_back_with_an_error(hodan: Client) -> None:
    vacancy = VacancyFactory()
    response = hodan.post(_interest(vacancy), {"motivation": "Twelve years on a labour ward\x07"})
    assert "Twelve years on a labour ward" in response.content.decode()


def test_an_ineligible_volunteer_is_told_which_rule_and_nothing_is_recorded(
    hodan: Client, volunteer: Volunteer
) -> None:
    vacancy = VacancyFactory(required_languages={"ar": "professional"})
    page = hodan.get(_url(vacancy)).content.decode()
    assert "You cannot apply to this assignment" in page
    assert "Language rule: this assignment needs Arabic at professional level or better" in page

    response = hodan.post(_interest(vacancy), {"motivation": "Please"})
    assert response.status_code == 400
    assert "Language rule: this assignment needs Arabic" in response.content.decode()
    assert not Application.objects.exists()


def test_the_api_refuses_the_same_ineligible_volunteer_naming_the_rule(volunteer: Volunteer) -> None:
    vacancy = VacancyFactory(min_education="doctorate")
    response = _api(volunteer).post(f"/api/v1/vacancies/{vacancy.external_id}/interest", {})
    assert response.status_code == 400
    [reason] = response.json()["errors"]["eligibility"]
    assert reason.startswith("Education rule: this assignment needs at least doctorate")
    assert not Application.objects.exists()


def test_the_programmes_own_rule_is_named_too(hodan: Client, volunteer: Volunteer) -> None:
    programme = ProgrammeFactory(name="MIDA Somalia", rule_residence_outside_duty_country=True)
    vacancy = VacancyFactory(programme=programme, country="GB")  # Hodan lives in GB
    response = hodan.post(_interest(vacancy), {})
    assert response.status_code == 400
    assert "MIDA Somalia&#x27;s rule: volunteers must live outside United Kingdom" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"on_site_ok": False}, "On-site rule"),
        ({"years_experience": 0}, "Experience rule"),
        ({"available_until": "2027-03-10"}, "Availability rule"),
    ],
)
def test_each_hard_rule_is_named_in_plain_words(volunteer: Volunteer, change: dict[str, object], rule: str) -> None:
    Volunteer.objects.filter(pk=volunteer.pk).update(**change)
    vacancy = VacancyFactory()
    response = _api(volunteer).post(f"/api/v1/vacancies/{vacancy.external_id}/interest", {})
    assert response.status_code == 400
    assert response.json()["errors"]["eligibility"][0].startswith(rule)


def test_saying_interested_in_a_vacancy_that_closed_meanwhile_explains_itself(hodan: Client) -> None:
    vacancy = VacancyFactory()
    Vacancy.objects.filter(pk=vacancy.pk).update(status=Vacancy.Status.CLOSED)
    response = hodan.post(_interest(vacancy), {"motivation": "Hello"})
    assert response.status_code == 400
    assert b"This vacancy is closed" in response.content
    assert not Application.objects.exists()


def test_with_htmx_the_interest_box_alone_comes_back(hodan: Client, volunteer: Volunteer) -> None:
    vacancy = VacancyFactory()
    response = hodan.post(_interest(vacancy), {"motivation": "Hi"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="interest-box">')
    assert "Thank you: the programme team will see your interest." in html
    assert Application.objects.filter(volunteer=volunteer).count() == 1


def test_someone_without_a_profile_is_sent_to_log_in_or_to_start_and_nothing_is_created(newcomer: Client) -> None:
    vacancy = VacancyFactory()
    response = Client().post(_interest(vacancy), {"motivation": "hello"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    response = newcomer.post(_interest(vacancy))
    assert response["Location"] == "/profile/about/"
    assert not Application.objects.exists()


def test_a_manager_cannot_say_they_are_interested(manager_client: Client) -> None:
    vacancy = VacancyFactory()
    assert manager_client.post(_interest(vacancy)).status_code == 403
    assert not Application.objects.exists()


def test_the_alert_link_runs_the_same_rules(volunteer: Volunteer) -> None:
    from alerts.models import Alert
    from alerts.services.answers import alert_answer_interested

    vacancy = VacancyFactory(required_languages={"ar": "native"})
    alert = Alert.objects.create(kind="match", key="k", channel="email", volunteer=volunteer, vacancy=vacancy)
    with pytest.raises(Exception, match="Language rule"):
        alert_answer_interested(alert=alert)
    assert not Application.objects.exists()
    assert client_for(volunteer.user).get(_url(vacancy)).status_code == 200
