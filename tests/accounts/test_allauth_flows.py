"""The account flows a volunteer goes through, end to end through the web pages."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.accounts.conftest import link_in_last_mail
from tests.factories import UserFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase-42"
CONFIRM_LINK = r"/accounts/confirm-email/[^/\s]+/"


def _signup(client: Client, email: str = "amina@example.org") -> None:
    response = client.post(reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302


def _logged_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def test_it_signs_up_a_volunteer_and_mails_a_confirmation_link(client: Client) -> None:
    _signup(client)

    user = User.objects.get(email="amina@example.org")
    assert user.role == User.Role.VOLUNTEER
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["amina@example.org"]
    link_in_last_mail(CONFIRM_LINK)


def test_it_refuses_to_log_in_before_the_address_is_confirmed(client: Client) -> None:
    _signup(client)
    client.logout()

    response = client.post(reverse("account_login"), {"login": "amina@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert _logged_in_user_id(client) is None


def test_it_confirms_the_address_and_logs_in_then_out_and_back_in(client: Client) -> None:
    _signup(client)
    confirm = link_in_last_mail(CONFIRM_LINK)

    response = client.post(confirm)

    user = User.objects.get(email="amina@example.org")
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert _logged_in_user_id(client) == str(user.pk)

    client.post(reverse("account_logout"))
    assert _logged_in_user_id(client) is None

    response = client.post(reverse("account_login"), {"login": "Amina@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert _logged_in_user_id(client) == str(user.pk)


def test_it_stamps_the_profile_when_its_owner_confirms_the_address(client: Client) -> None:
    _signup(client)
    user = User.objects.get(email="amina@example.org")
    profile = VolunteerFactory(user=user, email_confirmed_at=None)

    client.post(link_in_last_mail(CONFIRM_LINK))

    profile.refresh_from_db()
    assert profile.email_confirmed_at is not None


def test_it_resets_a_forgotten_password_by_email(client: Client) -> None:
    user = UserFactory(email="omar@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    client.post(reverse("account_reset_password"), {"email": "omar@example.org"})
    assert mail.outbox[-1].to == ["omar@example.org"]
    key_link = link_in_last_mail(r"/accounts/password/reset/key/[^/\s]+/")
    form_page = client.get(key_link)
    assert form_page.status_code == 302  # the key moves into the session, out of the URL
    response = client.post(form_page["Location"], {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302

    client.logout()
    client.post(reverse("account_login"), {"login": "omar@example.org", "password": PASSWORD})
    assert _logged_in_user_id(client) == str(user.pk)


def test_it_changes_the_address_only_once_the_new_one_is_confirmed(client: Client) -> None:
    user = UserFactory(email="old@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    profile = VolunteerFactory(user=user, email="old@example.org", email_confirmed_at=None)
    client.force_login(user)

    client.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})

    user.refresh_from_db()
    assert user.email == "old@example.org"
    assert mail.outbox[-1].to == ["new@example.org"]

    client.post(link_in_last_mail(CONFIRM_LINK))

    user.refresh_from_db()
    profile.refresh_from_db()
    assert user.email == "new@example.org"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == ["new@example.org"]
    # Alerts now go to the confirmed new address.
    assert profile.email == "new@example.org"
    assert profile.email_confirmed_at is not None


def test_it_leaves_the_profile_address_when_another_profile_holds_the_new_one(client: Client) -> None:
    user = UserFactory(email="old@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    profile = VolunteerFactory(user=user, email="old@example.org", email_confirmed_at=None)
    VolunteerFactory(user=None, email="taken@example.org")
    client.force_login(user)

    client.post(reverse("account_email"), {"action_add": "", "email": "taken@example.org"})
    client.post(link_in_last_mail(CONFIRM_LINK))

    profile.refresh_from_db()
    assert profile.email == "old@example.org"
    assert profile.email_confirmed_at is None


def test_the_site_is_named_after_the_service_not_example_com() -> None:
    from django.contrib.sites.models import Site

    site = Site.objects.get_current()
    assert site.name == "Diaspora Match"
    assert site.domain != "example.com"
