"""A volunteer's alert preferences: channels, rhythm, pause, minimum score, sectors and countries."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alerts.models import AlertPreference, Channel, Rhythm
from core.validators import validate_clean_text, validate_country_code
from volunteers.models import Volunteer

FIELDS: frozenset[str] = frozenset({"channels", "rhythm", "paused_until", "min_score", "sectors", "countries"})
MAX_FILTERS = 50


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Check each value, naming the field; normalise lists (case, duplicates, order)."""
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise ValidationError({key: ["unknown or read-only field"] for key in unknown})
    errors: dict[str, list[str]] = {}
    cleaned = dict(data)
    if "channels" in data:
        channels = data["channels"]
        bad = [c for c in channels if c not in Channel.values] if isinstance(channels, list) else None
        if bad is None:
            errors["channels"] = ["must be a list"]
        elif bad:
            errors["channels"] = [f"unknown channel {c!r}; choose from {', '.join(Channel.values)}" for c in bad]
        else:
            cleaned["channels"] = [c for c in Channel.values if c in channels]
    if "rhythm" in data and data["rhythm"] not in Rhythm.values:
        errors["rhythm"] = [f"unknown rhythm {data['rhythm']!r}; choose from {', '.join(Rhythm.values)}"]
    paused = data.get("paused_until")
    if paused is not None and (not isinstance(paused, date) or paused < timezone.localdate()):
        errors["paused_until"] = ["must be a date that is not in the past, or null"]
    if "min_score" in data:
        score = data["min_score"]
        if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 1:
            errors["min_score"] = ["must be a number from 0 to 1"]
    for name in ("sectors", "countries"):
        if name not in data:
            continue
        values = data[name]
        if not isinstance(values, list) or len(values) > MAX_FILTERS:
            errors[name] = [f"must be a list of at most {MAX_FILTERS} values"]
            continue
        normal: list[str] = []
        try:
            for value in values:
                if not isinstance(value, str) or not value.strip() or len(value) > 200:
                    raise ValidationError(f"{value!r} is not a valid value")
                if name == "sectors":
                    # As sent: strip() would take away U+001C-001F and NEL, control characters all the same.
                    validate_clean_text(value)
                    normal.append(value.strip())
                else:
                    normal.append(value.strip().upper())
                    validate_country_code(normal[-1])
        except ValidationError as exc:
            errors[name] = exc.messages
            continue
        cleaned[name] = sorted(set(normal), key=normal.index)
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def alert_preference_update(*, volunteer: Volunteer, data: dict[str, Any], replace: bool = False) -> AlertPreference:
    """Set some (or, with ``replace``, all) of a volunteer's preferences; unknown values are refused by field.

    A full replacement resets what it leaves out to the defaults.
    """
    cleaned = _clean(data)
    preference, _ = AlertPreference.objects.select_for_update().get_or_create(volunteer=volunteer)
    if replace:
        preference = AlertPreference(pk=preference.pk, volunteer=volunteer)
    for field, value in cleaned.items():
        setattr(preference, field, value)
    preference.save()
    return preference


@transaction.atomic
def alert_preference_pause(*, volunteer: Volunteer, until: date) -> AlertPreference:
    """Pause alerts until a date (the answer "not available until ..."); the rhythm is kept."""
    preference, _ = AlertPreference.objects.select_for_update().get_or_create(volunteer=volunteer)
    if preference.paused_until != until:
        preference.paused_until = until
        preference.save(update_fields=["paused_until", "updated_at"])
    return preference


@transaction.atomic
def alert_preference_unsubscribe(*, volunteer: Volunteer) -> AlertPreference:
    """Record a one-click unsubscribe in the preferences: match alerts off, and no more email.

    Consent is withdrawn by the caller; this makes the preferences (as the API
    and the page show them) say the same: rhythm "off", email no longer among
    the channels. The inbox stays, for notes about the volunteer's own applications.
    """
    preference, _ = AlertPreference.objects.select_for_update().get_or_create(volunteer=volunteer)
    preference.rhythm = Rhythm.OFF
    preference.channels = [channel for channel in preference.channels if channel != Channel.EMAIL]
    preference.save(update_fields=["rhythm", "channels", "updated_at"])
    return preference
