"""A volunteer's own account in the browser: claiming an imported profile, a forgotten password, their data."""

from __future__ import annotations

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from playwright.sync_api import Page, expect

from tests.e2e.helpers import FACTORY_PASSWORD, log_in, needs_browser
from tests.factories import StaffFactory, UserFactory, VolunteerFactory
from volunteers.models import Volunteer
from volunteers.services import volunteer_send_claim_invitation

pytestmark = [pytest.mark.e2e, needs_browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def _link_in_last_mail(path_pattern: str) -> str:
    found = re.search(rf"https?://\S+{path_pattern}", str(mail.outbox[-1].body))
    assert found, mail.outbox[-1].body
    return found.group(0)


def test_the_owner_of_an_imported_profile_claims_it_from_the_invitation_email(page: Page, site: str) -> None:
    volunteer = VolunteerFactory(user=None, full_name="Hodan Warsame", email="hodan@example.org")
    volunteer_send_claim_invitation(volunteer=volunteer, sent_by=StaffFactory())

    page.goto(_link_in_last_mail(r"/accounts/invitation/[^/\s]+/[^/\s]+/"))
    expect(page.get_by_role("heading", name="Welcome, Hodan Warsame")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password and sign in").click()

    expect(page).to_have_url(f"{site}/")
    expect(page.get_by_text("Signed in as hodan@example.org.", exact=True)).to_be_visible()
    assert Volunteer.objects.get(pk=volunteer.pk).user.check_password(NEW_PASSWORD)


def test_a_volunteer_who_forgot_the_password_sets_a_new_one_from_the_email(page: Page, site: str) -> None:
    user = UserFactory(email="amina@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    page.goto(f"{site}/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("amina@example.org")
    page.get_by_role("button", name="Reset My Password").click()
    expect(page.get_by_role("heading", name="Password Reset")).to_be_visible()
    page.goto(_link_in_last_mail(r"/accounts/password/reset/key/\S+/"))
    page.get_by_label("New Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New Password (again)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change Password").click()
    expect(page.get_by_text("Your password is now changed.")).to_be_visible()

    log_in(page, site, email="amina@example.org", password=NEW_PASSWORD)

    expect(page.get_by_text("Signed in as amina@example.org.", exact=True)).to_be_visible()


def test_a_volunteer_downloads_their_data_then_erases_the_account(page: Page, site: str) -> None:
    volunteer = VolunteerFactory(full_name="Hodan Warsame", email="hodan@example.org")
    EmailAddress.objects.create(user=volunteer.user, email=volunteer.user.email, verified=True, primary=True)
    log_in(page, site, email=volunteer.user.email, password=FACTORY_PASSWORD)

    page.get_by_role("link", name="My account").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data").click()
    exported = json.loads(download.value.path().read_text())
    assert exported["account"]["email"] == volunteer.user.email

    page.get_by_role("link", name="Delete my account").click()
    page.get_by_role("button", name="Erase my account").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick the box")
    page.get_by_label("I understand: erase my account and my data.").check()
    page.get_by_role("button", name="Erase my account").click()

    expect(page.get_by_role("heading", name="Your account is erased")).to_be_visible()
    assert Volunteer.objects.get(pk=volunteer.pk).erased_at is not None
    page.goto(f"{site}/")
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
