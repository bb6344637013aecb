"""Every page: who may open it, its layout (landmarks, language, direction), its security policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import ApplicationFactory, VacancyFactory
from tests.web.conftest import client_for
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

VOLUNTEER_PAGES = [
    "/",
    "/matches/",
    "/vacancies/",
    "/applications/",
    "/inbox/",
    "/profile/",
    "/profile/about/",
    "/profile/skills/",
    "/profile/languages/",
    "/profile/education/",
    "/profile/countries/",
    "/profile/availability/",
    "/profile/consents/",
    "/alerts/preferences/",
    "/accounts/privacy/",
    "/accounts/privacy/erase/",
]
SIGNED_IN_ONLY = [p for p in VOLUNTEER_PAGES if p not in ("/", "/vacancies/", "/accounts/privacy/")]


@pytest.mark.parametrize("path", VOLUNTEER_PAGES)
def test_every_volunteer_page_opens_with_landmarks_skip_link_and_a_policy_against_inline_script(
    hodan: Client, path: str
) -> None:
    response = hodan.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    assert 'href="#main"' in html
    assert "<h1" in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


@pytest.mark.parametrize("path", SIGNED_IN_ONLY)
def test_anyone_not_signed_in_is_sent_to_log_in(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", [p for p in SIGNED_IN_ONLY if not p.startswith(("/inbox/", "/accounts/"))])
def test_a_manager_is_refused_the_volunteer_pages(manager_client: Client, path: str) -> None:
    response = manager_client.get(path)
    assert response.status_code == 403
    assert b"These pages are for volunteers." in response.content


def test_no_template_of_ours_has_inline_script_or_handlers() -> None:
    roots = [Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "web" / "templates"]
    offenders = []
    for root in roots:
        for template in root.rglob("*.html"):
            if "email" in template.parts:
                continue  # emails are not pages
            text = template.read_text(encoding="utf-8")
            if re.search(r"<script(?![^>]*\bsrc=)", text) or re.search(r"\son[a-z]+=", text) or "<style" in text:
                offenders.append(str(template))
    assert offenders == []


def test_the_nav_depends_on_who_is_looking(hodan: Client, manager_client: Client) -> None:
    anonymous = Client().get("/").content.decode()
    assert "Sign up" in anonymous
    assert "My matches" not in anonymous
    volunteer = hodan.get("/").content.decode()
    assert "My matches" in volunteer
    assert "Log out" in volunteer
    manager = manager_client.get("/").content.decode()
    assert "My matches" not in manager
    assert "Dashboard" in manager
    staff = client_for(__import__("tests.factories", fromlist=["StaffFactory"]).StaffFactory()).get("/").content
    assert b"Administration" in staff


def test_the_home_page_no_longer_links_to_a_missing_api_root() -> None:
    html = Client().get("/").content.decode()
    assert 'href="/api/v1/"' not in html
    assert Client().get("/api/docs/").status_code == 200


def test_the_privacy_page_the_readme_links_exists_and_offers_export_and_erasure(hodan: Client) -> None:
    assert Client().get("/accounts/privacy/").status_code == 200
    html = hodan.get("/accounts/privacy/").content.decode()
    assert 'href="/accounts/privacy/export/"' in html
    assert 'href="/accounts/privacy/erase/"' in html


@pytest.mark.parametrize(
    ("language", "direction", "stylesheet", "words"),
    [
        ("en", "ltr", "bootstrap.min.css", "My matches"),
        ("so", "ltr", "bootstrap.min.css", "Shaqooyinka igu habboon"),
        ("ar", "rtl", "bootstrap.rtl.min.css", "مطابقاتي"),
    ],
)
def test_the_chosen_language_sets_lang_direction_and_stylesheet(
    hodan: Client, language: str, direction: str, stylesheet: str, words: str
) -> None:
    response = hodan.post("/i18n/setlang/", {"language": language, "next": "/matches/"})
    assert response.status_code == 302
    html = hodan.get("/matches/").content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert stylesheet in html
    assert words in html


def test_the_language_switcher_offers_the_three_languages_by_their_own_names() -> None:
    html = Client().get("/").content.decode()
    for option in ('value="en"', 'value="so"', 'value="ar"', "Soomaali", "العربيّة"):
        assert option in html


def test_an_unknown_page_is_a_page_not_json() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404


def test_one_volunteer_opening_anothers_application_by_url_gets_404(hodan: Client, other_volunteer: Volunteer) -> None:
    theirs = ApplicationFactory(volunteer=other_volunteer, vacancy=VacancyFactory())
    assert hodan.get(f"/applications/{theirs.pk}/").status_code == 404
    assert hodan.post(f"/applications/{theirs.pk}/withdraw/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/vacancies/?q=%00&country=ZZ&starts_after=2027-13-45&page=-1&on_site=maybe",
        "/vacancies/?page=99999",
        "/profile/skills/suggest/?q=%00%ff",
        "/profile/languages/?rows=999999999999",
        "/inbox/?page=abc",
        "/vacancies/%00/",
        "/applications/99999999999999999999/",
    ],
)
def test_nothing_a_browser_can_send_answers_500(hodan: Client, path: str) -> None:
    assert hodan.get(path).status_code < 500


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/profile/about/", {"full_name": "\x00", "gender": "robot"}),
        ("/profile/languages/", {"lang-TOTAL_FORMS": "x", "lang-INITIAL_FORMS": "0"}),
        ("/profile/languages/", {"lang-TOTAL_FORMS": "100000", "lang-INITIAL_FORMS": "0"}),
        ("/profile/availability/", {"available_from": "2027-02-30", "on_site_ok": "perhaps"}),
        ("/profile/countries/", {"residence_country": "XX", "heritage_countries": ["SO", "\x00"]}),
        ("/profile/consents/", {"matching": "\x00"}),
        ("/alerts/preferences/", {"rhythm": "hourly", "min_score": "NaN", "paused_until": "yesterday"}),
        ("/inbox/read-all/", {}),
        ("/accounts/privacy/erase/", {"confirm": "\x00"}),
    ],
)
def test_no_form_answers_500_whatever_is_posted(hodan: Client, path: str, data: dict[str, object]) -> None:
    assert hodan.post(path, data).status_code < 500


def test_a_form_sent_from_a_stale_page_explains_itself(volunteer: Volunteer) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(volunteer.user)
    response = client.post("/profile/consents/", {"matching": "on"})
    assert response.status_code == 403
    assert b"This page has expired" in response.content
