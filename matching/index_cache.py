"""The roster index each worker process keeps warm between tasks.

Building the index for a large roster takes seconds; ranking one vacancy from
a warm index takes milliseconds. So a process builds it once and then follows
the table: profiles changed since the last look are upserted, profiles gone
(deleted, erased, consent withdrawn) are removed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max

from matching.convert import PROFILE_FIELDS, profile_from_row
from matching.engine import ENGINE_VERSION, ProfileIndex
from volunteers.models import Volunteer

# Past this many changed profiles a rebuild is cheaper than one upsert each.
_REBUILD_AFTER_CHANGES = 2000
# updated_at is set by the application clock; look a little back so a row
# committed just after our last look, with an earlier timestamp, is not missed.
_CLOCK_OVERLAP = timedelta(seconds=5)


@dataclass
class _State:
    index: ProfileIndex | None = None
    engine_version: str = ""
    synced_until: datetime | None = None


_state = _State()
_lock = threading.Lock()


def _matchable_rows(since: datetime | None = None) -> list[dict]:
    queryset = Volunteer.objects.matchable()
    if since is not None:
        queryset = queryset.filter(updated_at__gte=since)
    return list(queryset.order_by("id").values(*PROFILE_FIELDS).iterator(chunk_size=5000))


def _rebuild() -> ProfileIndex:
    latest = Volunteer.objects.aggregate(latest=Max("updated_at"))["latest"]
    rows = _matchable_rows()
    _state.index = ProfileIndex.build([profile_from_row(row) for row in rows])
    _state.engine_version = ENGINE_VERSION
    _state.synced_until = latest
    return _state.index


def _sync(index: ProfileIndex) -> ProfileIndex:
    since = (_state.synced_until - _CLOCK_OVERLAP) if _state.synced_until else None
    changed = Volunteer.objects.filter(updated_at__gte=since) if since else Volunteer.objects.all()
    changed_count = changed.count()
    if changed_count > _REBUILD_AFTER_CHANGES:
        return _rebuild()
    latest = _state.synced_until
    for row in changed.values("id", "updated_at", "matching_consent", "erased_at"):
        latest = max(latest, row["updated_at"]) if latest else row["updated_at"]
        if not row["matching_consent"] or row["erased_at"] is not None:
            index.remove(str(row["id"]))
    for row in _matchable_rows(since):
        index.upsert(profile_from_row(row))
    _state.synced_until = latest
    # A hard-deleted row leaves no updated_at behind: compare the counts.
    if Volunteer.objects.matchable().count() != len(index):
        return _rebuild()
    return index


def roster_index() -> ProfileIndex:
    """This process's index of every matchable profile, brought up to date."""
    with _lock:
        if _state.index is None or _state.engine_version != ENGINE_VERSION:
            return _rebuild()
        return _sync(_state.index)


def roster_index_reset() -> None:
    """Forget the warm index (tests, and after a bulk change made outside the ORM)."""
    with _lock:
        _state.index = None
        _state.synced_until = None
