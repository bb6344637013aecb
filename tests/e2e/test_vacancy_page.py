"""The public page of an open vacancy, where a signed-in volunteer says "I'm interested"."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from assignments.models import Application
from tests.e2e.helpers import FACTORY_PASSWORD, needs_browser, sign_in_form
from tests.factories import VacancyFactory, VolunteerFactory

pytestmark = [pytest.mark.e2e, needs_browser, pytest.mark.django_db(transaction=True)]


def test_a_signed_in_volunteer_says_they_are_interested_on_the_vacancy_page(page: Page, site: str) -> None:
    vacancy = VacancyFactory(title="Clinical Midwifery Tutor", location="Hargeisa", country="SO")
    volunteer = VolunteerFactory(email="hodan@example.org")
    EmailAddress.objects.create(user=volunteer.user, email=volunteer.user.email, verified=True, primary=True)
    page.goto(f"{site}/vacancies/{vacancy.external_id}/")
    expect(page.get_by_role("heading", name="Clinical Midwifery Tutor")).to_be_visible()
    expect(page.get_by_text("Hargeisa, Somalia")).to_be_visible()

    page.get_by_role("main").get_by_role("link", name="Log in").click()
    sign_in_form(page, email=volunteer.user.email, password=FACTORY_PASSWORD)
    expect(page).to_have_url(f"{site}/vacancies/{vacancy.external_id}/")  # back where they were
    page.get_by_label("Why you? (optional)").fill("Waxaan ahay umuliso.")
    page.get_by_role("button", name="I'm interested").click()

    expect(page.get_by_text("Thank you: the programme team will see your interest.")).to_be_visible()
    expect(page.get_by_text("You said you are interested on")).to_be_visible()
    expect(page.get_by_role("button", name="I'm interested")).to_have_count(0)
    application = Application.objects.get(vacancy=vacancy, volunteer=volunteer)
    assert (application.status, application.motivation) == ("interest", "Waxaan ahay umuliso.")
