"""Browsing open vacancies, and "My matches": ranked for the volunteer, reasons in plain words, the API's selector."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from rest_framework.test import APIClient

from assignments.models import Application, Vacancy
from matching.engine.model import load_model
from tests.factories import VacancyFactory
from tests.web.conftest import StoreMatch
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def _titles(html: str, titles: list[str]) -> list[str]:
    return sorted((t for t in titles if t in html), key=html.index)


def test_anyone_browses_open_vacancies_but_never_drafts_or_closed_ones() -> None:
    VacancyFactory(title="Open midwifery post")
    VacancyFactory(title="Draft audit post", status=Vacancy.Status.DRAFT)
    VacancyFactory(title="Closed audit post", status=Vacancy.Status.CLOSED)
    html = Client().get("/vacancies/").content.decode()
    assert "Open midwifery post" in html
    assert "Draft audit post" not in html
    assert "Closed audit post" not in html
    assert "1 open vacancy" in html


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"q": "auditor"}, ["Public auditor"]),
        ({"q": "labour ward"}, ["Midwife tutor"]),
        ({"sector": "Finance"}, ["Public auditor"]),
        ({"country": "KE"}, ["Remote statistician"]),
        ({"on_site": "no"}, ["Remote statistician"]),
        ({"starts_after": "2027-06-01"}, ["Public auditor", "Remote statistician"]),
        ({"starts_before": "2027-04-01"}, ["Midwife tutor"]),
        ({"q": "statistician", "on_site": "yes"}, []),
    ],
)
def test_vacancies_are_searched_by_words_sector_country_dates_and_on_site(
    query: dict[str, str], found: list[str]
) -> None:
    VacancyFactory(title="Midwife tutor", description="Teach on the labour ward.", start_date=date(2027, 3, 1))
    VacancyFactory(
        title="Public auditor",
        sector="Finance",
        description="Audit the ministry.",
        required_skills=["audit"],
        start_date=date(2027, 7, 1),
        end_date=date(2027, 12, 1),
    )
    VacancyFactory(
        title="Remote statistician",
        country="KE",
        on_site=False,
        sector="Statistics",
        description="Survey design.",
        start_date=date(2027, 9, 1),
        end_date=date(2028, 3, 1),
    )
    html = Client().get("/vacancies/", query).content.decode()
    assert _titles(html, ["Midwife tutor", "Public auditor", "Remote statistician"]) == found


def test_a_search_with_an_impossible_date_range_says_so_at_the_field_and_keeps_what_was_typed() -> None:
    response = Client().get(
        "/vacancies/", {"q": "midwife", "starts_after": "2027-06-01", "starts_before": "2027-01-01"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "This date is before “Starting from”." in html
    assert 'id="id_starts_before_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="midwife"' in html


def test_htmx_search_answers_the_results_alone() -> None:
    VacancyFactory(title="Midwife tutor")
    response = Client().get("/vacancies/", {"q": "midwife"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "Midwife tutor" in html


def test_my_matches_are_best_first_with_reasons_in_plain_words(
    hodan: Client, volunteer: Volunteer, store_match: StoreMatch
) -> None:
    good = VacancyFactory(title="Good fit post")
    best = VacancyFactory(title="Best fit post")
    store_match(volunteer, good, load_model().good)  # the ranker's "good" band
    store_match(volunteer, best, load_model().strong)  # its "strong" band
    html = hodan.get("/matches/").content.decode()
    assert _titles(html, ["Good fit post", "Best fit post"]) == ["Best fit post", "Good fit post"]
    assert "It asks for “midwifery”: you wrote “midwife”." in html
    assert "It asks for “clinical teaching”, which is in your profile." in html
    assert "You speak Somali (native)." in html
    assert "You have 12 years of experience; it asks for 3." in html
    assert "You are available for 80% of the assignment&#x27;s dates." in html
    assert "Not in your profile (yet): EmONC." in html
    assert re.search(r'class="badge band band-strong [^"]*text-bg-success">Strong fit<', html)
    assert re.search(
        r'class="badge band band-good [^"]*text-bg-primary">Good fit<', html
    )  # not the strong one's colour


def test_a_vacancy_page_says_how_it_fits_the_volunteer_reading_it(
    hodan: Client, volunteer: Volunteer, store_match: StoreMatch
) -> None:
    vacancy = VacancyFactory(title="Clinical midwifery tutor")
    store_match(volunteer, vacancy, load_model().good)

    html = hodan.get(f"/vacancies/{vacancy.external_id}/").content.decode()
    fits = html[html.index('id="fit"') : html.index('id="interest"')]
    assert "Why it fits you" in fits
    assert re.search(r'class="badge band band-good [^"]*text-bg-primary">Good fit<', fits)
    assert "It asks for “midwifery”: you wrote “midwife”." in fits
    assert "Not in your profile (yet): EmONC." in fits


def test_a_vacancy_page_says_nothing_of_fit_below_the_floor_to_others_or_to_anyone_signed_out(
    hodan: Client, volunteer: Volunteer, other_volunteer: Volunteer, store_match: StoreMatch
) -> None:
    weak, theirs = VacancyFactory(), VacancyFactory()
    store_match(volunteer, weak, load_model().floor / 2)
    store_match(other_volunteer, theirs, 0.9)

    for client, vacancy in ((hodan, weak), (hodan, theirs), (Client(), theirs)):
        html = client.get(f"/vacancies/{vacancy.external_id}/").content.decode()
        assert 'id="interest"' in html
        assert 'id="fit"' not in html


def test_matches_below_the_floor_closed_vacancies_and_other_peoples_are_not_listed(
    hodan: Client, volunteer: Volunteer, other_volunteer: Volunteer, store_match: StoreMatch, settings: object
) -> None:
    store_match(volunteer, VacancyFactory(title="Weak fit post"), load_model().floor / 2)
    store_match(volunteer, VacancyFactory(title="Closed post", status=Vacancy.Status.CLOSED), 0.9)
    store_match(other_volunteer, VacancyFactory(title="Amina's post"), 0.9)
    store_match(volunteer, VacancyFactory(title="Listed post"), 0.5)
    html = hodan.get("/matches/").content.decode()
    assert _titles(html, ["Weak fit post", "Closed post", "Amina's post", "Listed post"]) == ["Listed post"]


def test_the_page_and_the_api_list_the_same_matches_in_the_same_order(
    hodan: Client, volunteer: Volunteer, store_match: StoreMatch
) -> None:
    for score, title in (
        (0.4, "B post"),
        (0.7, "A post"),
        (load_model().floor / 2, "Below floor post"),
        (0.3, "C post"),
    ):
        store_match(volunteer, VacancyFactory(title=title), score)
    api = APIClient()
    api.force_authenticate(volunteer.user)
    from_api = [row["title"] for row in api.get("/api/v1/matches").json()["results"]]
    html = hodan.get("/matches/").content.decode()
    assert from_api == ["A post", "B post", "C post"]
    assert _titles(html, ["A post", "B post", "C post", "Below floor post"]) == from_api


def test_a_match_already_applied_to_says_so(hodan: Client, volunteer: Volunteer, store_match: StoreMatch) -> None:
    vacancy = VacancyFactory()
    store_match(volunteer, vacancy, 0.5)
    Application.objects.create(vacancy=vacancy, volunteer=volunteer)
    assert "You applied" in hodan.get("/matches/").content.decode()


def test_a_volunteer_without_a_profile_is_sent_to_start_it(newcomer: Client) -> None:
    response = newcomer.get("/matches/")
    assert response["Location"] == "/profile/about/"


def test_the_dashboard_shows_the_best_matches_and_applications(
    hodan: Client, volunteer: Volunteer, store_match: StoreMatch
) -> None:
    vacancy = VacancyFactory(title="Best fit post")
    store_match(volunteer, vacancy, 0.6)
    Application.objects.create(vacancy=VacancyFactory(title="Applied post"), volunteer=volunteer, status="shortlisted")
    html = hodan.get("/").content.decode()
    assert "Welcome, Hodan Warsame" in html
    assert "Best fit post" in html
    assert "Applied post" in html
    assert "Shortlisted" in html
