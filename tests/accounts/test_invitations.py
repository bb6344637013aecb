"""Staff invite programme managers, and the owners of imported profiles to claim them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from accounts.models import User
from accounts.selectors import user_email_verified
from assignments.services import manager_invite
from tests.accounts.conftest import link_in_last_mail
from tests.factories import ManagerFactory, ProgrammeFactory, StaffFactory, UserFactory, VolunteerFactory
from volunteers.services import volunteer_send_claim_invitation

pytestmark = pytest.mark.django_db

INVITATION_LINK = r"/accounts/invitation/[^/\s]+/[^/\s]+/"
NEW_PASSWORD = "a-long-and-unusual-passphrase-42"
Capture = Callable[..., Any]


def _accept(client: Client, link: str, password: str = NEW_PASSWORD) -> Any:
    return client.post(link, {"new_password1": password, "new_password2": password})


def test_it_invites_a_new_manager_to_a_programme(django_capture_on_commit_callbacks: Capture) -> None:
    staff, programme = StaffFactory(), ProgrammeFactory(name="MIDA Somalia")

    with django_capture_on_commit_callbacks(execute=True):
        user = manager_invite(email="Farah@Example.org", programme=programme, invited_by=staff)

    assert user.role == User.Role.MANAGER
    assert not user.has_usable_password()
    assert list(programme.managers.all()) == [user]
    assert user.email == "farah@example.org"
    assert mail.outbox[-1].to == ["farah@example.org"]
    assert "MIDA Somalia" in mail.outbox[-1].subject
    link_in_last_mail(INVITATION_LINK)


def test_it_sends_no_mail_until_the_invitation_is_committed(django_capture_on_commit_callbacks: Capture) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        manager_invite(email="farah@example.org", programme=ProgrammeFactory(), invited_by=StaffFactory())

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_it_lets_the_invited_manager_set_a_password_and_sign_in(
    client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        user = manager_invite(email="farah@example.org", programme=ProgrammeFactory(), invited_by=StaffFactory())
    link = link_in_last_mail(INVITATION_LINK)

    assert client.get(link).status_code == 200
    response = _accept(client, link)

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.check_password(NEW_PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert EmailAddress.objects.get(user=user).verified


def test_it_refuses_an_invitation_link_twice(client: Client, django_capture_on_commit_callbacks: Capture) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        user = manager_invite(email="farah@example.org", programme=ProgrammeFactory(), invited_by=StaffFactory())
    link = link_in_last_mail(INVITATION_LINK)
    _accept(client, link)
    client.logout()

    response = _accept(client, link, password="another-long-passphrase-99")

    user.refresh_from_db()
    assert response.status_code == 400
    assert user.check_password(NEW_PASSWORD)


def test_it_refuses_a_tampered_invitation_link(client: Client, django_capture_on_commit_callbacks: Capture) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        manager_invite(email="farah@example.org", programme=ProgrammeFactory(), invited_by=StaffFactory())
    link = link_in_last_mail(INVITATION_LINK)

    assert client.get(link[:-3] + "xx/").status_code == 400
    assert client.get("/accounts/invitation/not-base64/abc-def/").status_code == 400


def test_it_keeps_the_password_rules_when_accepting(
    client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        user = manager_invite(email="farah@example.org", programme=ProgrammeFactory(), invited_by=StaffFactory())

    response = _accept(client, link_in_last_mail(INVITATION_LINK), password="12345678")

    user.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not user.has_usable_password()


def test_it_adds_an_existing_manager_to_another_programme_without_a_new_password(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    manager = ManagerFactory(email="farah@example.org")
    first, second = ProgrammeFactory(managers=[manager]), ProgrammeFactory()

    with django_capture_on_commit_callbacks(execute=True):
        user = manager_invite(email="FARAH@example.org", programme=second, invited_by=StaffFactory())

    assert user == manager
    assert set(manager.managed_programmes.all()) == {first, second}
    assert manager.has_usable_password()
    assert "/accounts/invitation/" not in mail.outbox[-1].body


def test_it_refuses_to_make_a_volunteer_account_a_manager() -> None:
    UserFactory(email="amina@example.org", role=User.Role.VOLUNTEER)

    with pytest.raises(ValidationError) as excinfo:
        manager_invite(email="amina@example.org", programme=ProgrammeFactory(), invited_by=StaffFactory())

    assert "email" in excinfo.value.message_dict


def test_it_refuses_a_malformed_address() -> None:
    with pytest.raises(ValidationError) as excinfo:
        manager_invite(email="not an address", programme=ProgrammeFactory(), invited_by=StaffFactory())

    assert "email" in excinfo.value.message_dict
    assert not User.objects.filter(role=User.Role.MANAGER).exists()


def test_it_lets_only_staff_invite() -> None:
    with pytest.raises(PermissionDenied):
        manager_invite(email="x@example.org", programme=ProgrammeFactory(), invited_by=ManagerFactory())


def test_it_invites_the_owner_of_an_imported_profile_to_claim_it(
    client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    profile = VolunteerFactory(user=None, source="import", email="hodan@example.org", email_confirmed_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        user = volunteer_send_claim_invitation(volunteer=profile, sent_by=StaffFactory())

    profile.refresh_from_db()
    assert profile.user == user
    assert user.role == User.Role.VOLUNTEER
    assert user.full_name == profile.full_name
    assert profile.email_confirmed_at is None
    assert mail.outbox[-1].to == ["hodan@example.org"]

    _accept(client, link_in_last_mail(INVITATION_LINK))

    profile.refresh_from_db()
    # Setting the password through a link mailed to the address proves it.
    assert profile.email_confirmed_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_resends_a_claim_invitation_while_no_password_is_set(django_capture_on_commit_callbacks: Capture) -> None:
    profile = VolunteerFactory(user=None, source="import")
    staff = StaffFactory()

    with django_capture_on_commit_callbacks(execute=True):
        first = volunteer_send_claim_invitation(volunteer=profile, sent_by=staff)
        second = volunteer_send_claim_invitation(volunteer=profile, sent_by=staff)

    assert first == second
    assert User.objects.filter(email__iexact=profile.email).count() == 1
    assert len(mail.outbox) == 2


def test_it_refuses_to_invite_a_claimed_profile() -> None:
    profile = VolunteerFactory()

    with pytest.raises(ValidationError) as excinfo:
        volunteer_send_claim_invitation(volunteer=profile, sent_by=StaffFactory())

    assert excinfo.value.message_dict == {"volunteer": ["this profile is already claimed"]}


def test_it_refuses_to_claim_for_an_address_that_already_has_an_account() -> None:
    UserFactory(email="hodan@example.org")
    profile = VolunteerFactory(user=None, source="import", email="Hodan@example.org")

    with pytest.raises(ValidationError) as excinfo:
        volunteer_send_claim_invitation(volunteer=profile, sent_by=StaffFactory())

    profile.refresh_from_db()
    assert "email" in excinfo.value.message_dict
    assert profile.user is None


def test_it_refuses_to_invite_for_an_erased_profile() -> None:
    profile = VolunteerFactory(user=None, source="import")
    profile.erased_at = profile.created_at
    profile.save()

    with pytest.raises(ValidationError) as excinfo:
        volunteer_send_claim_invitation(volunteer=profile, sent_by=StaffFactory())

    assert "volunteer" in excinfo.value.message_dict


def test_it_knows_an_address_is_verified_only_once_the_invitation_is_accepted(
    client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        user = manager_invite(email="farah@example.org", programme=ProgrammeFactory(), invited_by=StaffFactory())
    assert not user_email_verified(user=user, email="farah@example.org")

    _accept(client, link_in_last_mail(INVITATION_LINK))

    assert user_email_verified(user=user, email="FARAH@example.org")
    assert not user_email_verified(user=user, email="other@example.org")
