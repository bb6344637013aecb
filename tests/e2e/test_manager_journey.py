"""The whole journey on a live server with a real Celery worker sharing the PostgreSQL test database.

A manager posts and opens a vacancy → the worker ranks it → a volunteer sees
the alert in the inbox and the match with its reasons → says they are
interested → the manager shortlists and selects → the volunteer sees the new
status and the note.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from alerts.models import Alert, InboxMessage
from assignments.models import Application, Vacancy
from core.models import OutboxMessage
from matching.models import MatchResult, MatchRun
from tests.e2e.helpers import FACTORY_PASSWORD, log_in, needs_browser
from tests.e2e.manager_support import DESKTOP, real_worker, screenshot, verified  # noqa: F401 - fixture
from tests.factories import ManagerFactory, ProgrammeFactory, VolunteerFactory
from tests.support.markers import needs_real_stack
from tests.support.stack import Worker, wait_for

pytestmark = [pytest.mark.e2e, needs_browser, needs_real_stack(), pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _relayed_to_the_worker(settings: Any) -> None:
    # The live server runs in this process: what it commits must reach the broker at once.
    settings.OUTBOX_RELAY_ON_COMMIT = True


def _idle() -> bool:
    busy_alerts = Alert.objects.filter(status__in=["pending", "sending"], deliver="instant").exists()
    busy_runs = MatchRun.objects.filter(status__in=["running", "merging"]).exists()
    return not (OutboxMessage.objects.filter(sent_at__isnull=True).exists() or busy_alerts or busy_runs)


def _signed_in(browser: Browser, site: str, email: str) -> Page:
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.context.set_default_timeout(15_000)
    log_in(page, site, email=email, password=FACTORY_PASSWORD)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    return page


def _post_and_open_a_vacancy(manager: Page, site: str) -> Vacancy:
    manager.goto(f"{site}/")
    expect(manager.get_by_role("heading", name="Programme dashboard")).to_be_visible()
    manager.get_by_role("link", name="Post a vacancy").first.click()
    manager.get_by_label("Title").fill("Clinical Midwifery Tutor")
    manager.get_by_label("Host institution").fill("Hargeisa Group Hospital")
    manager.get_by_label("Duty country").select_option("SO")
    manager.get_by_label("Duty station (town or city)").fill("Hargeisa")
    manager.get_by_label("Sector").fill("Health")
    manager.get_by_label("Terms of reference").fill(
        "Train midwifery students and tutors on the labour ward and in the skills lab: emergency obstetric care."
    )
    manager.get_by_label("Required skills").fill("midwifery\nclinical teaching")
    manager.get_by_label("Language 1", exact=True).select_option("so")
    manager.get_by_label("Minimum level 1", exact=True).select_option("professional")
    manager.get_by_label("Minimum education").select_option("diploma")
    manager.get_by_label("Minimum years of experience").fill("3")
    manager.get_by_label("Start date").fill("2027-03-01")
    manager.get_by_label("End date").fill("2027-11-30")
    manager.get_by_label("Positions").fill("1")
    manager.get_by_role("button", name="Save as a draft").click()
    expect(manager.get_by_text("Saved as a draft.")).to_be_visible()

    manager.get_by_role("button", name="Open it: rank candidates and alert them").click()
    expect(manager.get_by_text("The vacancy is open.")).to_be_visible()
    return Vacancy.objects.get(title="Clinical Midwifery Tutor")


def _move(manager: Page, application: Application, to: str, note: str) -> None:
    row = manager.locator(f"#application-{application.pk}")
    row.get_by_label("Move to").select_option(label=to)
    row.get_by_label("Note (for the team)").fill(note)
    row.get_by_role("button", name="Move").click()
    expect(row.locator("[data-focus]")).to_have_text(f"Moved to “{to}”.")


def test_a_vacancy_goes_from_posting_to_a_selected_volunteer(
    browser: Browser,
    site: str,
    real_worker: Worker,  # noqa: F811 - the fixture
) -> None:
    manager_user = verified(ManagerFactory(email="amina@programme.org", full_name="Amina Warsame"))
    ProgrammeFactory(managers=[manager_user], name="MIDA Somalia")
    hodan = VolunteerFactory(full_name="Hodan Cali", headline="Midwife and clinical tutor", residence_country="GB")
    verified(hodan.user)
    for _ in range(3):  # a roster, not one person
        VolunteerFactory(headline="Registered midwife", residence_country="SE")

    manager = _signed_in(browser, site, manager_user.email)
    vacancy = _post_and_open_a_vacancy(manager, site)

    # The worker ranks the vacancy and alerts the strong candidates, in-app and by email.
    wait_for(lambda: MatchResult.objects.filter(vacancy=vacancy, volunteer=hodan).exists(), timeout=60, what="ranking")
    wait_for(
        lambda: InboxMessage.objects.filter(user=hodan.user, alert__vacancy=vacancy).exists(),
        timeout=60,
        what="the match alert in Hodan's inbox",
    )

    volunteer = _signed_in(browser, site, hodan.user.email)
    volunteer.goto(f"{site}/inbox/")
    expect(volunteer.locator("main").get_by_text("Clinical Midwifery Tutor").first).to_be_visible()
    volunteer.goto(f"{site}/matches/")
    expect(volunteer.get_by_role("link", name="Clinical Midwifery Tutor", exact=True)).to_be_visible()
    # The reasons, in plain words (the page words the engine's reasons for people).
    expect(volunteer.get_by_role("heading", name="Why it fits you")).to_be_visible()
    expect(volunteer.locator(".reasons li").first).to_contain_text("midwifery")
    volunteer.get_by_role("link", name="Clinical Midwifery Tutor", exact=True).click()
    volunteer.get_by_label("Why you? (optional)").fill("I teach on a London labour ward; Somali is my first language.")
    volunteer.get_by_role("button", name="I'm interested").click()
    expect(volunteer.get_by_text("You said you are interested on")).to_be_visible()
    application = Application.objects.get(vacancy=vacancy, volunteer=hodan)

    manager.goto(f"{site}/manage/vacancies/{vacancy.external_id}/")
    expect(manager.get_by_role("link", name="Hodan Cali")).to_be_visible()
    _move(manager, application, "Shortlisted", "Strong EmONC teaching record.")
    _move(manager, application, "Selected", "References checked.")
    manager.reload()
    expect(manager.get_by_text("every position is taken. Mark the vacancy filled?")).to_be_visible()
    screenshot(manager, "journey-manager-vacancy-desktop")
    manager.get_by_role("button", name="Mark it filled").first.click()
    expect(manager.get_by_text("The vacancy is marked filled.")).to_be_visible()

    wait_for(
        lambda: InboxMessage.objects.filter(
            user=hodan.user, alert__kind="status_note", alert__context__step="selected"
        ).exists(),
        timeout=60,
        what="the status note in Hodan's inbox",
    )
    note = InboxMessage.objects.get(user=hodan.user, alert__kind="status_note", alert__context__step="selected")
    volunteer.goto(f"{site}/applications/")
    expect(volunteer.locator("main").get_by_text("Selected").first).to_be_visible()
    volunteer.goto(f"{site}/inbox/")
    expect(volunteer.get_by_text(note.title).first).to_be_visible()
    volunteer.goto(f"{site}/applications/{application.pk}/")
    expect(volunteer.get_by_text("References checked.")).to_have_count(0)  # the managers' notes stay theirs
    screenshot(volunteer, "journey-volunteer-application-desktop")

    application.refresh_from_db()
    vacancy.refresh_from_db()
    assert (application.status, vacancy.status) == ("selected", "filled")
    assert "Traceback" not in real_worker.output()
    wait_for(_idle, timeout=30, what="the worker to finish before the tables are emptied")
