"""Signing up, confirming the address, signing in, being locked out: in a real browser."""

from __future__ import annotations

import re
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.e2e.helpers import FACTORY_PASSWORD, log_in, needs_browser
from tests.factories import StaffFactory, UserFactory, VacancyFactory

pytestmark = [pytest.mark.e2e, needs_browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-and-unusual-passphrase-42"


def _confirmation_link() -> str:
    [email] = mail.outbox
    found = re.search(r"https?://\S+/accounts/confirm-email/\S+/", email.body)
    assert found, email.body
    return found.group(0)


def test_a_visitor_signs_up_confirms_the_address_from_the_email_and_is_signed_in(page: Page, site: str) -> None:
    page.goto(f"{site}/")
    page.get_by_role("link", name="Sign up as a volunteer").click()
    page.get_by_label("Email").fill("amina@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()

    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    page.goto(_confirmation_link())
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(f"{site}/")
    expect(page.get_by_text("Signed in as amina@example.org.", exact=True)).to_be_visible()
    user = User.objects.get(email="amina@example.org")
    assert user.role == User.Role.VOLUNTEER
    assert EmailAddress.objects.get(user=user).verified


def test_staff_sign_in_to_the_admin_and_see_the_vacancies(page: Page, site: str) -> None:
    VacancyFactory(title="Clinical Midwifery Tutor")
    staff = StaffFactory(email="ops@example.org")

    page.goto(f"{site}/admin/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(FACTORY_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Vacancies").first.click()

    expect(page.get_by_role("heading", name="Select vacancy to change")).to_be_visible()
    expect(page.get_by_role("cell", name="Clinical Midwifery Tutor", exact=True)).to_be_visible()
    expect(page.get_by_text("1 vacancy")).to_be_visible()


def test_repeated_wrong_passwords_lock_the_sign_in_page_even_for_the_right_one(page: Page, site: str) -> None:
    # A never-seen address: with Redis, axes keeps its counts outside the test database.
    user = UserFactory(email=f"{uuid.uuid4().hex}@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(page, site, email=user.email, password="wrong guess")
        expect(page.get_by_text("The email address and/or password you specified are not correct.")).to_be_visible()
    log_in(page, site, email=user.email, password="wrong guess")
    expect(page.get_by_role("heading", name="Sign-in temporarily locked")).to_be_visible()

    log_in(page, site, email=user.email, password=FACTORY_PASSWORD)

    expect(page.get_by_role("heading", name="Sign-in temporarily locked")).to_be_visible()
    expect(page.get_by_text(f"There were {settings.AXES_FAILURE_LIMIT} failed attempts")).to_be_visible()
    page.goto(f"{site}/")
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
