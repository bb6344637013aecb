"""Building the profile in steps, consents with their time, alert preferences that show the true state."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from alerts.models import AlertPreference
from alerts.services.answers import volunteer_unsubscribe
from assignments.models import Vacancy
from tests.factories import VacancyFactory, VolunteerFactory
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

START = {
    "full_name": "Amina Yusuf",
    "headline": "Public auditor",
    "summary": "Ten years of public sector audit.",
    "gender": "",
    "residence_country": "SE",
    "education": "master",
    "years_experience": "10",
    "language": "so",
    "level": "native",
}


def test_a_newcomer_starts_the_profile_then_goes_through_the_steps(newcomer: Client) -> None:
    assert newcomer.get("/profile/").status_code == 302
    assert newcomer.get("/profile/skills/")["Location"] == "/profile/about/"
    response = newcomer.post("/profile/about/", START)
    assert response["Location"] == "/profile/skills/"
    volunteer = Volunteer.objects.get(full_name="Amina Yusuf")
    assert volunteer.matching_consent
    assert volunteer.matching_consent_at is not None

    newcomer.post("/profile/skills/", {"skills": "financial audit\nIPSAS, risk-based audit"})
    newcomer.post(
        "/profile/languages/",
        {
            "lang-TOTAL_FORMS": "3",
            "lang-INITIAL_FORMS": "0",
            "lang-0-language": "so",
            "lang-0-level": "native",
            "lang-1-language": "sv",
            "lang-1-level": "fluent",
            "lang-2-language": "",
            "lang-2-level": "",
        },
    )
    newcomer.post("/profile/education/", {"education": "master", "years_experience": "11"})
    newcomer.post("/profile/countries/", {"residence_country": "SE", "heritage_countries": ["SO", "ET"]})
    response = newcomer.post(
        "/profile/availability/", {"available_from": "2027-01-01", "available_until": "", "on_site_ok": "no"}
    )
    assert response["Location"] == "/profile/"
    volunteer.refresh_from_db()
    assert volunteer.skills == ["financial audit", "IPSAS", "risk-based audit"]
    assert volunteer.languages == {"so": "native", "sv": "fluent"}
    assert (volunteer.years_experience, volunteer.heritage_countries) == (11, ["SO", "ET"])
    assert str(volunteer.available_from) == "2027-01-01"
    assert volunteer.on_site_ok is False

    html = newcomer.get("/profile/").content.decode()
    assert "Somali: native" in html
    assert "Swedish: fluent" in html
    assert "Ethiopia" in html
    assert "master&#x27;s degree" in html
    assert "remote only" in html


def test_an_error_is_shown_at_its_field_and_what_was_typed_is_kept(newcomer: Client) -> None:
    response = newcomer.post("/profile/about/", START | {"years_experience": "70"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_years_experience_error"' in html
    assert 'value="Public auditor"' in html  # the headline typed is still there
    assert html.count('aria-invalid="true"') == 1
    # The service's own rules (the API's) come back at their field too.
    response = newcomer.post("/profile/about/", START | {"full_name": "Amina\u202e"})
    html = response.content.decode()
    assert 'id="id_full_name_error"' in html
    assert "must not contain bidirectional override characters" in html
    assert 'value="Public auditor"' in html
    assert not Volunteer.objects.exists()


def test_a_service_rule_comes_back_at_the_field(hodan: Client, volunteer: Volunteer) -> None:
    response = hodan.post(
        "/profile/availability/", {"available_from": "2027-06-01", "available_until": "2027-01-01", "on_site_ok": "yes"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_available_until_error"' in html
    assert "must not be before available_from" in html
    assert 'value="2027-06-01"' in html


def test_a_language_without_a_level_is_refused_at_the_row(hodan: Client) -> None:
    response = hodan.post(
        "/profile/languages/",
        {"lang-TOTAL_FORMS": "1", "lang-INITIAL_FORMS": "0", "lang-0-language": "ar", "lang-0-level": ""},
    )
    assert response.status_code == 400
    assert "Choose a level for this language." in response.content.decode()


def test_add_another_language_keeps_what_was_saved_and_shows_one_more_row(hodan: Client) -> None:
    response = hodan.post(
        "/profile/languages/",
        {
            "lang-TOTAL_FORMS": "1",
            "lang-INITIAL_FORMS": "0",
            "lang-0-language": "ar",
            "lang-0-level": "basic",
            "add_row": "1",
        },
        follow=True,
    )
    assert Volunteer.objects.get().languages == {"ar": "basic"}
    assert 'name="lang-2-language"' in response.content.decode()


def test_skill_suggestions_come_from_skills_in_use_and_the_matchers_vocabulary(hodan: Client) -> None:
    VolunteerFactory(skills=["Obstetric ultrasound"])
    cache.clear()
    html = hodan.get("/profile/skills/suggest/", {"q": "obst"}).content.decode()
    assert "Obstetric ultrasound" in html  # another volunteer wrote it
    assert "obstetrics gynaecology" in html  # a concept of the lexicon
    suggested = hodan.get("/profile/skills/suggest/", {"q": "midw"}).content.decode()
    assert 'data-add-skill="midwife"' in suggested or "midw" in suggested
    assert 'data-add-skill="midwifery"' not in suggested  # already hers


def test_consents_are_given_and_withdrawn_with_their_time(hodan: Client, volunteer: Volunteer) -> None:
    hodan.post("/profile/consents/", {"alerts": "on"})  # matching unticked: withdrawn
    volunteer.refresh_from_db()
    assert volunteer.matching_consent is False
    assert volunteer.matching_consent_at is not None
    html = hodan.get("/profile/consents/").content.decode()
    assert "Matching: withdrawn" in html
    assert "Alerts: given" in html
    hodan.post("/profile/consents/", {"matching": "on", "alerts": "on"})
    volunteer.refresh_from_db()
    assert volunteer.matching_consent is True


def test_after_a_one_click_unsubscribe_the_page_and_the_api_show_alerts_off(
    hodan: Client, volunteer: Volunteer
) -> None:
    volunteer_unsubscribe(volunteer=volunteer)
    api = APIClient()
    api.force_authenticate(volunteer.user)
    preferences = api.get("/api/v1/alerts/preferences").json()
    assert preferences["rhythm"] == "off"
    assert preferences["channels"] == ["inapp"]
    assert api.get("/api/v1/profile").json()["alerts_consent"] is False

    html = hodan.get("/alerts/preferences/").content.decode()
    assert "Match alerts are off" in html
    assert 'value="off" checked' in html.replace('class="form-check-input" ', "")
    assert 'name="channels" id="id_channels_0" value="email" checked' not in html
    assert 'name="alerts"' in html
    assert 'name="alerts" class="form-check-input" id="id_alerts" checked' not in html


def test_preferences_are_saved_through_the_service_and_consent_beside_them(hodan: Client, volunteer: Volunteer) -> None:
    VacancyFactory(sector="Health", country="SO")
    VacancyFactory(sector="Education", country="SO")
    response = hodan.post(
        "/alerts/preferences/",
        {
            "alerts": "on",
            "rhythm": "weekly",
            "channels": ["email"],
            "paused_until": "",
            "min_score": "0.5",
            "sectors": ["Health", "Education"],
            "countries": ["SO"],
        },
    )
    assert response["Location"] == "/alerts/preferences/"
    preference = AlertPreference.objects.get(volunteer=volunteer)
    assert (preference.rhythm, preference.channels, preference.min_score) == ("weekly", ["email"], 0.5)
    assert (preference.sectors, preference.countries) == (["Health", "Education"], ["SO"])


def test_the_sector_and_country_filters_offer_those_of_the_vacancies_and_those_already_chosen(
    hodan: Client, volunteer: Volunteer
) -> None:
    VacancyFactory(sector="Health", country="SO")
    VacancyFactory(sector="health ", country="SO")  # the same sector, as alerts compare them
    VacancyFactory(sector="Water", country="ET", status=Vacancy.Status.CLOSED)
    VacancyFactory(sector="Mining", country="KE", status=Vacancy.Status.DRAFT)  # not published
    AlertPreference.objects.create(volunteer=volunteer, sectors=["Fisheries"], countries=["DJ"])  # set on the API

    html = hodan.get("/alerts/preferences/").content.decode()

    def offered(name: str) -> list[str]:
        return re.findall(rf'<input type="checkbox"[^>]* name="{name}"[^>]* value="([^"]*)"', html)

    assert offered("sectors") == ["Fisheries", "Health", "Water"]
    assert offered("countries") == ["DJ", "ET", "SO"]  # Djibouti, Ethiopia, Somalia
    assert re.search(r'name="sectors"[^>]* value="Fisheries"[^>]* checked', html)
    assert re.search(r'name="countries"[^>]* value="DJ"[^>]* checked', html)

    refused = hodan.post(
        "/alerts/preferences/", {"alerts": "on", "rhythm": "instant", "min_score": "0.0", "sectors": ["Mining"]}
    )
    assert refused.status_code == 400
    assert 'id="id_sectors_error"' in refused.content.decode()
    assert AlertPreference.objects.get(volunteer=volunteer).sectors == ["Fisheries"]


def test_a_pause_in_the_past_is_refused_at_its_field(hodan: Client) -> None:
    response = hodan.post(
        "/alerts/preferences/", {"alerts": "on", "rhythm": "instant", "min_score": "0.0", "paused_until": "2020-01-01"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_paused_until_error"' in html
    assert "must be a date that is not in the past" in html
    assert not AlertPreference.objects.exists()


def test_a_minimum_set_through_the_api_is_shown_as_it_is(hodan: Client, volunteer: Volunteer) -> None:
    AlertPreference.objects.create(volunteer=volunteer, min_score=0.42)
    assert 'value="0.42" selected' in hodan.get("/alerts/preferences/").content.decode()
