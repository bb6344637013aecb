"""The roster index each worker process keeps warm between tasks.

Building the index for a large roster takes seconds; ranking one vacancy from
a warm index takes milliseconds. So a process builds it once and then follows
the table: profiles changed since the last look are upserted, profiles gone
(deleted, erased, consent withdrawn) are removed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from matching.convert import PROFILE_FIELDS, profile_from_row
from matching.engine import ENGINE_VERSION, ProfileIndex
from volunteers.models import Volunteer

# Past this many changed profiles at once a rebuild is cheaper than one upsert each.
_REBUILD_AFTER_CHANGES = 2000
# Upserts keep the vocabulary and IDF fitted at build time. Once the profiles
# changed since then pass this share of the roster, rebuild: scores then stay
# close to what a fresh index (another worker process's) would give.
_REBUILD_AFTER_DRIFT = 0.05
# updated_at is set by the application clock; look a little back so a row
# committed just after our last look, with an earlier timestamp, is not missed.
_CLOCK_OVERLAP = timedelta(seconds=5)


@dataclass
class _State:
    index: ProfileIndex | None = None
    engine_version: str = ""
    synced_until: datetime | None = None
    # What the index holds, by primary key: the updated_at it was read at.
    versions: dict[int, datetime] = field(default_factory=dict)
    built_size: int = 0
    changed_since_build: int = 0


_state = _State()
_lock = threading.Lock()


def _matchable_rows(ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    queryset = Volunteer.objects.matchable()
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return list(queryset.order_by("id").values(*PROFILE_FIELDS, "updated_at").iterator(chunk_size=5000))


def _rebuild() -> ProfileIndex:
    rows = _matchable_rows()
    _state.index = ProfileIndex.build([profile_from_row(row) for row in rows])
    _state.engine_version = ENGINE_VERSION
    _state.versions = {row["id"]: row["updated_at"] for row in rows}
    _state.synced_until = max(_state.versions.values(), default=None)
    _state.built_size = len(rows)
    _state.changed_since_build = 0
    return _state.index


def _sync(index: ProfileIndex) -> ProfileIndex:
    since = (_state.synced_until - _CLOCK_OVERLAP) if _state.synced_until else None
    recent = Volunteer.objects.filter(updated_at__gte=since) if since else Volunteer.objects.all()
    # Rows inside the overlap window come back on every look; only those whose
    # updated_at moved since we read them are news.
    changed = [
        row
        for row in recent.values("id", "updated_at", "matching_consent", "erased_at")
        if _state.versions.get(row["id"]) != row["updated_at"]
    ]
    _state.changed_since_build += len(changed)
    if len(changed) > _REBUILD_AFTER_CHANGES or (
        _state.changed_since_build > _REBUILD_AFTER_DRIFT * max(_state.built_size, 1)
    ):
        return _rebuild()
    for row in changed:
        if not row["matching_consent"] or row["erased_at"] is not None:
            index.remove(str(row["id"]))
            _state.versions.pop(row["id"], None)
    for fresh in _matchable_rows(row["id"] for row in changed):
        index.upsert(profile_from_row(fresh))
        _state.versions[fresh["id"]] = fresh["updated_at"]
    if changed:
        latest = max(row["updated_at"] for row in changed)
        _state.synced_until = max(latest, _state.synced_until) if _state.synced_until else latest
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
        _state.versions = {}
