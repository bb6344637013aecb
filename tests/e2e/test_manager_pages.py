"""Every manager page in a real browser: accessible in left-to-right and Arabic right-to-left, errors at the field."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from assignments.models import Application
from tests.e2e.helpers import FACTORY_PASSWORD, log_in, needs_browser
from tests.e2e.manager_support import DESKTOP, PHONE, axe_violations, describe, screenshot, verified
from tests.factories import ApplicationFactory, VolunteerFactory
from tests.web.manager_support import store, world

pytestmark = [pytest.mark.e2e, needs_browser, pytest.mark.django_db(transaction=True)]


# The pages whose screenshots the README shows (DM_SCREENSHOTS=1 saves them).
SHOWN = ("dashboard", "vacancy", "shortlist", "compare", "charts", "application", "import")
SHOWN_RTL = ("dashboard", "shortlist")
SHOWN_PHONE = ("dashboard", "shortlist", "charts")


def _populated() -> dict[str, Any]:
    w = world(candidates=4)
    verified(w.manager)
    applicants = [
        VolunteerFactory(gender="female" if i % 3 else "male", residence_country="GB" if i % 2 else "SE")
        for i in range(24)
    ]
    for i, volunteer in enumerate(applicants):
        store(w.vacancy, volunteer, 0.35 + (i % 10) / 20)
        ApplicationFactory(vacancy=w.vacancy, volunteer=volunteer, status="shortlisted" if i < 14 else "interest")
    application = ApplicationFactory(vacancy=w.vacancy, volunteer=w.ranked[0], motivation="Waxaan ahay umuliso.")
    base = f"/manage/vacancies/{w.vacancy.external_id}"
    pages = {
        "dashboard": "/manage/",
        "vacancy-new": "/manage/vacancies/new/",
        "vacancy": f"{base}/",
        "vacancy-edit": f"{base}/edit/",
        "shortlist": f"{base}/shortlist/",
        "why-not": f"{base}/why-not/?who={w.ranked[1].external_id}",
        "compare": f"{base}/compare/?v={w.ranked[0].external_id}&v={w.ranked[1].external_id}",
        "application": f"/manage/applications/{application.pk}/",
        "import": "/manage/import/",
        "charts": "/manage/charts/",
    }
    return {"world": w, "pages": pages, "application": application}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_manager_page_passes_axe_without_serious_findings(browser: Browser, site: str, language: str) -> None:
    data = _populated()
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, site, email=data["world"].manager.email, password=FACTORY_PASSWORD)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    context.add_cookies([{"name": "django_language", "value": language, "url": site}])
    findings: dict[str, list[dict[str, Any]]] = {}
    for name, path in data["pages"].items():
        page.goto(f"{site}{path}")
        expect(page.locator("main")).to_be_visible()
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        if violations := axe_violations(page):
            findings[name] = violations
        if name in (SHOWN_RTL if language == "ar" else SHOWN):
            screenshot(page, f"manager-{name}-{language}-desktop" if language == "ar" else f"manager-{name}-desktop")
    context.close()
    assert not findings, describe([{"page": k, "violations": v} for k, v in findings.items()])


def test_the_main_pages_fit_a_phone(browser: Browser, site: str) -> None:
    data = _populated()
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, site, email=data["world"].manager.email, password=FACTORY_PASSWORD)
    for name in ("dashboard", "shortlist", "vacancy", "charts", "vacancy-new"):
        page.goto(f"{site}{data['pages'][name]}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{name} scrolls sideways by {overflow}px on a phone"
        assert not axe_violations(page), name
        if name in SHOWN_PHONE:
            screenshot(page, f"manager-{name}-phone")
    context.close()


def test_vacancy_form_errors_show_at_the_field_and_keep_what_was_typed(page: Page, site: str) -> None:
    w = world(candidates=0)
    verified(w.manager)
    log_in(page, site, email=w.manager.email, password=FACTORY_PASSWORD)
    page.goto(f"{site}/manage/vacancies/new/")
    page.get_by_label("Title").fill("Biomedical Engineer")
    page.get_by_label("Host institution").fill("Hargeisa Group Hospital")
    page.get_by_label("Duty country").select_option("SO")
    page.get_by_label("Sector").fill("Health")
    page.get_by_label("Terms of reference").fill("Maintain and train on medical equipment.")
    page.get_by_label("Language 1", exact=True).select_option("so")
    page.get_by_label("Minimum years of experience").fill("5")
    page.get_by_label("Start date").fill("2027-06-01")
    page.get_by_label("End date").fill("2027-05-01")
    page.get_by_label("Positions").fill("1")
    page.get_by_role("button", name="Save as a draft").click()

    level = page.get_by_label("Minimum level 1", exact=True)
    expect(level).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_level_0_error")).to_have_text("Choose the minimum level for this language.")
    expect(page.get_by_label("Title")).to_have_value("Biomedical Engineer")
    screenshot(page, "manager-vacancy-form-errors-desktop")

    level.select_option("professional")
    page.get_by_role("button", name="Save as a draft").click()
    expect(page.locator("#id_end_date_error")).to_contain_text("must be after start_date")
    expect(page.get_by_label("End date")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("End date").fill("2027-12-01")
    page.get_by_role("button", name="Save as a draft").click()
    expect(page.get_by_role("heading", name="Biomedical Engineer")).to_be_visible()
    expect(page.get_by_text("Saved as a draft.")).to_be_visible()


def test_moving_an_application_from_the_vacancy_page_keeps_keyboard_focus(page: Page, site: str) -> None:
    data = _populated()
    application: Application = data["application"]
    log_in(page, site, email=data["world"].manager.email, password=FACTORY_PASSWORD)
    page.goto(f"{site}{data['pages']['vacancy']}")
    row = page.locator(f"#application-{application.pk}")
    row.get_by_label("Move to").select_option("shortlisted")
    row.get_by_label("Note (for the team)").fill("Strong labour-ward record.")
    row.get_by_role("button", name="Move").click()

    notice = page.locator(f"#application-{application.pk} [data-focus]")
    expect(notice).to_have_text("Moved to “Shortlisted”.")
    expect(notice).to_be_focused()
    application.refresh_from_db()
    assert application.status == "shortlisted"
