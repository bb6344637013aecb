"""A volunteer's whole journey in a real browser, every page checked by axe-core in English and in Arabic (RTL)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from playwright.sync_api import Browser, BrowserContext, Page, expect

from assignments.models import Application
from matching import rank
from matching.index_cache import roster_index_reset
from tests.e2e.a11y import axe_violations, blocking
from tests.e2e.helpers import FACTORY_PASSWORD, log_in, needs_browser
from tests.factories import (
    ApplicationFactory,
    HostInstitutionFactory,
    ProgrammeFactory,
    VacancyFactory,
    VolunteerFactory,
)
from volunteers.models import Volunteer

pytestmark = [pytest.mark.e2e, needs_browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and quite unusual passphrase"

# Screenshots go to docs/screenshots/ when SCREENSHOTS_DIR says so (see the README), else to a temporary folder.
SHOTS = os.environ.get("SCREENSHOTS_DIR", "")


@pytest.fixture(autouse=True)
def _fresh_index() -> Iterator[None]:
    roster_index_reset()
    yield
    roster_index_reset()


@pytest.fixture
def hodan(db: None) -> Volunteer:
    volunteer = VolunteerFactory(full_name="Hodan Warsame", user__email="hodan@example.org")
    EmailAddress.objects.create(user=volunteer.user, email=volunteer.user.email, verified=True, primary=True)
    return volunteer


def _rank(*vacancies: Any) -> None:
    for vacancy in vacancies:
        rank.vacancy_rank(vacancy_id=vacancy.pk)


def _midwifery_post(**fields: Any) -> Any:
    return VacancyFactory(
        title="Clinical Midwifery Tutor",
        description="Mentor midwifery tutors on the labour ward; emergency obstetric care (EmONC), clinical teaching.",
        **fields,
    )


def test_a_new_volunteer_signs_up_fills_the_profile_sees_matches_and_says_interested(page: Page, site: str) -> None:
    vacancy = VacancyFactory(
        title="Public Financial Auditor",
        sector="Finance",
        description="Lead financial audits of the ministry under IPSAS; risk-based audit planning.",
        required_skills=["financial audit", "IPSAS"],
        preferred_skills=["risk-based audit"],
        required_languages={"so": "professional"},
        min_education="bachelor",
        min_years_experience=5,
        programme=ProgrammeFactory(rule_residence_outside_duty_country=True),
    )
    page.goto(f"{site}/")
    page.get_by_role("main").get_by_role("link", name="Sign up as a volunteer").click()
    page.get_by_label("Email").fill("amina@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.goto(_confirm_link(site))
    page.get_by_role("button", name="Confirm").click()

    page.get_by_role("link", name="Start my profile").click()
    page.get_by_label("Full name").fill("Amina Yusuf")
    page.get_by_label("Headline").fill("Public sector auditor")
    page.get_by_label("Country where you live").select_option("SE")
    page.get_by_label("Highest education").select_option("master")
    page.get_by_label("Years of professional experience").fill("11")
    page.get_by_label("A language you work in").select_option("so")
    page.get_by_label("How well").select_option("native")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Step 2 of 6: Skills")).to_be_visible()
    page.get_by_label("Suggestions: type a few letters").fill("financial au")
    page.get_by_role("button", name="Add financial audit", exact=True).click()
    page.get_by_label("Your skills").press("End")
    page.get_by_label("Your skills").type("\nIPSAS")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Step 3 of 6: Languages")).to_be_visible()
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("heading", name="My profile")).to_be_visible()
    expect(page.get_by_text("Somali: native")).to_be_visible()
    amina = Volunteer.objects.get(full_name="Amina Yusuf")
    assert "financial audit" in amina.skills
    assert "IPSAS" in amina.skills

    _rank(vacancy)
    page.get_by_role("link", name="My matches").click()
    expect(page.get_by_role("heading", name="Public Financial Auditor")).to_be_visible()
    expect(page.get_by_text("It asks for “financial audit”, which is in your profile.")).to_be_visible()
    page.get_by_role("link", name="Read and apply").click()
    page.get_by_label("Why you? (optional)").fill("Eleven years of public audit in Sweden.")
    page.get_by_role("button", name="I'm interested").click()
    expect(page.get_by_text("Thank you: the programme team will see your interest.")).to_be_visible()
    expect(page.get_by_text("You said you are interested on")).to_be_visible()
    assert Application.objects.get(volunteer=amina).motivation == "Eleven years of public audit in Sweden."


def _confirm_link(site: str) -> str:
    found = re.search(r"https?://\S+/accounts/confirm-email/\S+/", str(mail.outbox[-1].body))
    assert found, mail.outbox[-1].body
    return found.group(0)


def test_an_ineligible_volunteer_is_told_why_and_nothing_is_recorded(page: Page, site: str, hodan: Volunteer) -> None:
    vacancy = _midwifery_post(required_languages={"ar": "professional"})
    log_in(page, site, email=hodan.email, password=FACTORY_PASSWORD)
    page.goto(f"{site}/vacancies/{vacancy.external_id}/")
    expect(page.get_by_text("You cannot apply to this assignment:")).to_be_visible()
    rule = "Language rule: this assignment needs Arabic at professional level or better"
    expect(page.get_by_text(rule)).to_be_visible()
    expect(page.get_by_role("button", name="I'm interested")).to_have_count(0)
    assert not Application.objects.exists()


def test_form_errors_are_shown_at_the_field_and_what_was_typed_is_kept(page: Page, site: str, hodan: Volunteer) -> None:
    vacancy = _midwifery_post()
    log_in(page, site, email=hodan.email, password=FACTORY_PASSWORD)
    page.goto(f"{site}/profile/availability/")
    page.get_by_label("Available from").fill("2027-06-01")
    page.get_by_label("Available until").fill("2027-01-01")
    page.get_by_role("button", name="Save", exact=True).click()
    until = page.get_by_label("Available until")
    expect(until).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_available_until_error")).to_contain_text("must not be before available_from")
    expect(page.get_by_label("Available from")).to_have_value("2027-06-01")

    page.goto(f"{site}/vacancies/{vacancy.external_id}/")
    motivation = page.get_by_label("Why you? (optional)")
    motivation.fill("x" * 5001)
    page.get_by_role("button", name="I'm interested").click()
    expect(page.locator("#id_motivation_error")).to_contain_text("must be at most 5000 characters")
    expect(page.get_by_label("Why you? (optional)")).to_be_focused()  # focus follows the htmx swap
    assert not Application.objects.exists()


def test_another_volunteers_application_by_url_is_not_found(page: Page, site: str, hodan: Volunteer) -> None:
    theirs = ApplicationFactory(volunteer=VolunteerFactory(), vacancy=_midwifery_post())
    log_in(page, site, email=hodan.email, password=FACTORY_PASSWORD)
    response = page.goto(f"{site}/applications/{theirs.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()


def _volunteer_pages(hodan: Volunteer) -> list[str]:
    vacancy = _midwifery_post()
    other = _midwifery_post(required_languages={"ar": "native"})
    closed = VacancyFactory(title="Closed post", status="closed")
    _rank(vacancy)
    application = ApplicationFactory(volunteer=hodan, vacancy=closed, status="shortlisted")
    return [
        "/",
        "/matches/",
        "/vacancies/",
        f"/vacancies/{vacancy.external_id}/",
        f"/vacancies/{other.external_id}/",
        "/applications/",
        f"/applications/{application.pk}/",
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
        "/accounts/email/",
        "/accounts/password/change/",
    ]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_volunteer_page_passes_axe_without_serious_or_critical_findings(
    page: Page, site: str, hodan: Volunteer, language: str
) -> None:
    paths = _volunteer_pages(hodan)
    log_in(page, site, email=hodan.email, password=FACTORY_PASSWORD)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": site}])
    findings: dict[str, list[str]] = {}
    for path in paths:
        page.goto(f"{site}{path}")
        expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
        if found := blocking(axe_violations(page)):
            findings[path] = found
    assert findings == {}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_public_pages_pass_axe_too(page: Page, site: str, language: str) -> None:
    vacancy = _midwifery_post()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": site}])
    findings: dict[str, list[str]] = {}
    for path in ("/", "/vacancies/", f"/vacancies/{vacancy.external_id}/", "/accounts/login/", "/accounts/signup/"):
        page.goto(f"{site}{path}")
        if found := blocking(axe_violations(page)):
            findings[path] = found
    assert findings == {}


def test_the_menu_works_by_keyboard_on_a_phone(browser: Browser, site: str, hodan: Volunteer) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, site, email=hodan.email, password=FACTORY_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Hodan Warsame")).to_be_visible()
    page.goto(f"{site}/")  # a fresh page: the focus starts at the document
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    toggler = page.get_by_role("button", name="Menu")
    toggler.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="My matches", exact=True)).to_be_visible()
    context.close()


SCREENS = [
    ("dashboard", "/", "en"),
    ("matches", "/matches/", "en"),
    ("vacancy", "VACANCY", "en"),
    ("profile-skills", "/profile/skills/", "en"),
    ("applications", "/applications/", "en"),
    ("alert-preferences", "/alerts/preferences/", "en"),
    ("matches-arabic", "/matches/", "ar"),
]


def test_screenshots_of_the_main_volunteer_pages(browser: Browser, site: str, hodan: Volunteer, tmp_path: Path) -> None:
    """Desktop and phone width, one in Arabic; written to docs/screenshots/ with SCREENSHOTS_DIR=docs/screenshots."""
    out = Path(SHOTS) if SHOTS else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    programme = ProgrammeFactory(name="MIDA Somalia")
    hospital = HostInstitutionFactory(name="Hargeisa Group Hospital")
    vacancy = _midwifery_post(location="Hargeisa", programme=programme, host_institution=hospital)
    VacancyFactory(
        title="Neonatal care trainer",
        programme=programme,
        host_institution=hospital,
        description="Train nurses in neonatal resuscitation and newborn care; clinical teaching on the ward.",
        required_skills=["neonatal resuscitation", "clinical teaching"],
        preferred_skills=[],
    )
    _rank(vacancy, *list(type(vacancy).objects.exclude(pk=vacancy.pk)))
    ApplicationFactory(volunteer=hodan, vacancy=vacancy, status="shortlisted")
    for width, height, tag in ((1280, 900, "desktop"), (390, 844, "phone")):
        context: BrowserContext = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        log_in(page, site, email=hodan.email, password=FACTORY_PASSWORD)
        for name, path, language in SCREENS:
            page.context.add_cookies([{"name": "django_language", "value": language, "url": site}])
            page.goto(f"{site}{path.replace('VACANCY', f'/vacancies/{vacancy.external_id}/')}")
            page.screenshot(path=str(out / f"{name}-{tag}.png"), full_page=True)
        context.close()
    assert len(list(out.glob("*.png"))) >= 2 * len(SCREENS)
