"""Every model that points at a person must say how it is exported and erased."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from assignments.models import Application
from volunteers.models import Volunteer
from volunteers.privacy.registry import REGISTRY


def _relations_to_people() -> set[tuple[str, str]]:
    """(model label, field) of every FK / one-to-one / many-to-many to a user, a profile or an application.

    Walked here rather than imported from the code under test, so the test
    does not trust the registry to describe itself. Proxy models are skipped:
    their rows are their concrete model's rows.
    """
    targets = {get_user_model(), Volunteer, Application}
    found = set()
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey | models.ManyToManyField) and field.related_model in targets:
                found.add((model._meta.label, field.name))
    return found


def test_it_registers_every_model_that_points_at_a_person() -> None:
    missing = _relations_to_people() - set(REGISTRY)

    assert not missing, (
        f"Personal data with no export/erase rule: {sorted(missing)}. "
        "Add each to volunteers/privacy/registry.py REGISTRY."
    )


def test_it_registers_nothing_that_no_longer_exists() -> None:
    stale = set(REGISTRY) - _relations_to_people()

    assert not stale, f"Registry rules for relations that no longer exist: {sorted(stale)}"


def test_it_finds_the_relations_it_is_meant_to_find() -> None:
    # Guards the walk itself: if it found nothing, the two tests above would pass vacuously.
    found = _relations_to_people()

    assert ("volunteers.Volunteer", "user") in found
    assert ("assignments.Programme", "managers") in found
    assert ("assignments.ApplicationEvent", "application") in found
