"""Blanking a profile in place: the row stays so counts and foreign keys hold."""

from __future__ import annotations

from django.utils import timezone

from volunteers.models import Volunteer


def volunteer_anonymise(*, volunteer: Volunteer) -> None:
    """Remove everything that describes the person; keep only that a profile existed.

    ``external_id`` is kept on purpose: it is the programme's own key, and a
    re-import of an old roster file must find the row erased rather than
    create the person again. Gender, education and the rest go too, because in
    a small roster their combination singles a person out.
    """
    now = timezone.now()
    Volunteer.objects.filter(pk=volunteer.pk).update(
        user=None,
        full_name="Erased volunteer",
        email=f"erased-volunteer-{volunteer.pk}@erased.invalid",
        headline="",
        summary="",
        skills=[],
        languages={},
        education="none",
        years_experience=0,
        residence_country="",
        heritage_countries=[],
        available_from=None,
        available_until=None,
        on_site_ok=False,
        gender="",
        matching_consent=False,
        matching_consent_at=None,
        alerts_consent=False,
        alerts_consent_at=None,
        email_confirmed_at=None,
        erased_at=now,
        updated_at=now,
    )
