"""The links in an alert email, opened in a browser without signing in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.mail import EmailMessage
from playwright.sync_api import Page, expect

from assignments.models import Application, Vacancy
from tests.e2e.helpers import link_in, needs_browser
from tests.factories import VacancyFactory, VolunteerFactory
from volunteers.models import Volunteer

pytestmark = [pytest.mark.e2e, needs_browser, pytest.mark.django_db(transaction=True)]

EmailedAlert = Callable[[Volunteer, Vacancy], EmailMessage]


def test_a_volunteer_says_im_interested_from_the_alert_email_once(page: Page, emailed_alert: EmailedAlert) -> None:
    volunteer = VolunteerFactory(full_name="Hodan Cali")
    vacancy = VacancyFactory(title="Clinical Midwifery Tutor", location="Hargeisa", country="SO")
    email = emailed_alert(volunteer, vacancy)
    interested = link_in(email, "I'm interested")

    page.goto(interested)
    expect(page.get_by_role("heading", name="I'm interested")).to_be_visible()
    expect(page.get_by_text("Clinical Midwifery Tutor")).to_be_visible()
    expect(page.get_by_text("Hargeisa (Somalia)")).to_be_visible()
    assert not Application.objects.exists()  # opening the link alone changes nothing
    page.get_by_role("button", name="Yes, I'm interested").click()

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.get_by_text("Your interest is recorded.")).to_be_visible()
    [application] = Application.objects.all()
    assert (application.volunteer, application.vacancy, application.status) == (volunteer, vacancy, "interest")

    page.goto(interested)
    page.get_by_role("button", name="Yes, I'm interested").click()

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert Application.objects.get() == application
    assert application.events.count() == 1


def test_the_unsubscribe_link_stops_alerts_after_one_click(page: Page, emailed_alert: EmailedAlert) -> None:
    volunteer = VolunteerFactory(email="hodan@example.org")
    email = emailed_alert(volunteer, VacancyFactory())

    page.goto(link_in(email, "Stop them with one click"))
    expect(page.get_by_role("heading", name="Stop match alerts")).to_be_visible()
    expect(page.get_by_text("hodan@example.org")).to_be_visible()
    assert Volunteer.objects.get(pk=volunteer.pk).alerts_consent is True
    page.get_by_role("button", name="Stop my alerts").click()

    expect(page.get_by_role("heading", name="Alerts stopped")).to_be_visible()
    withdrawn = Volunteer.objects.get(pk=volunteer.pk)
    assert withdrawn.alerts_consent is False
