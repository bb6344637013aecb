"""The warm roster index follows the table: changes upserted, departures removed, no needless rebuilds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from unittest import mock

import pytest

from matching import index_cache
from matching.engine import ProfileIndex
from matching.index_cache import roster_index, roster_index_reset
from tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cold_index() -> Iterator[None]:
    roster_index_reset()
    yield
    roster_index_reset()


def _builds() -> mock.MagicMock:
    return mock.patch.object(index_cache.ProfileIndex, "build", wraps=ProfileIndex.build)


def test_it_builds_once_and_then_reuses_the_index() -> None:
    volunteers = VolunteerFactory.create_batch(3)
    with _builds() as build:
        first = roster_index()
        second = roster_index()
    assert build.call_count == 1
    assert first is second
    assert {str(v.pk) for v in volunteers} <= {pid for pid in first.rows}


def test_it_upserts_a_changed_profile_without_rebuilding() -> None:
    volunteer, *_ = VolunteerFactory.create_batch(30, headline="Midwife")
    roster_index()
    volunteer.headline = "Anaesthetist"
    volunteer.save()
    with _builds() as build:
        index = roster_index()
    assert build.call_count == 0
    assert index.profile(index.rows[str(volunteer.pk)]).headline == "Anaesthetist"


def test_it_removes_a_profile_whose_consent_was_withdrawn() -> None:
    volunteer, _other = VolunteerFactory.create_batch(2)
    roster_index()
    volunteer.matching_consent = False
    volunteer.save()
    assert str(volunteer.pk) not in roster_index().rows


def test_it_notices_a_deleted_profile() -> None:
    volunteer, _other = VolunteerFactory.create_batch(2)
    roster_index()
    volunteer_id = str(volunteer.pk)
    volunteer.delete()
    assert volunteer_id not in roster_index().rows


def test_it_rebuilds_once_changes_outgrow_what_the_index_was_fitted_on() -> None:
    roster_index()  # fitted on an empty roster
    VolunteerFactory()
    with _builds() as build:
        roster_index()
    assert build.call_count == 1


def test_rows_of_a_bulk_import_are_read_again_only_within_the_overlap() -> None:
    volunteers = VolunteerFactory.create_batch(3)
    newest = max(v.updated_at for v in volunteers)
    roster_index()
    state = index_cache._state
    assert index_cache._look_since(state) == max(newest, state.looked_at) - index_cache._CLOCK_OVERLAP
    later = newest + timedelta(minutes=1)
    with mock.patch.object(index_cache.timezone, "now", return_value=later):
        roster_index()
    # Every row updated before the last look less the overlap was committed and seen then.
    assert index_cache._look_since(state) == later - index_cache._CLOCK_OVERLAP
    assert all(v.updated_at < index_cache._look_since(state) for v in volunteers)


def test_a_change_after_the_last_look_is_still_seen() -> None:
    volunteer, *_ = VolunteerFactory.create_batch(3, headline="Midwife")
    roster_index()
    roster_index()
    volunteer.headline = "Surgeon"
    volunteer.save()
    index = roster_index()
    assert index.profile(index.rows[str(volunteer.pk)]).headline == "Surgeon"
