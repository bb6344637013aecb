"""The roster index each worker process keeps warm between tasks.

Building the index for a large roster takes seconds; ranking one vacancy from
a warm index takes milliseconds. So a process builds it once and then follows
the table: profiles changed since the last look are upserted, profiles gone
(deleted, erased, consent withdrawn) are removed.

With MATCHING_PARTITIONS = N > 1 a process holds instead the index of each
partition it serves (volunteers whose primary key modulo N is k), built with the
corpus statistics fitted once on the whole roster (MatchingVocabulary) and
following only its own partition's rows.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models.functions import Mod
from django.utils import timezone

from matching.convert import PROFILE_FIELDS, profile_from_row
from matching.engine import ENGINE_VERSION, Fitted, ProfileIndex, fit_statistics
from matching.models import MatchingVocabulary
from volunteers.models import Volunteer, VolunteerQuerySet

# Past this many changed profiles at once a rebuild is cheaper than one upsert each.
_REBUILD_AFTER_CHANGES = 2000
# Upserts keep the vocabulary and IDF fitted at build time. Once the profiles
# changed since then pass this share of the roster, rebuild: scores then stay
# close to what a fresh index (another worker process's) would give.
_REBUILD_AFTER_DRIFT = 0.05
# updated_at is set by the application clock; look a little back so a row
# committed just after our last look, with an earlier timestamp, is not missed.
_CLOCK_OVERLAP = timedelta(seconds=5)
# Shared statistics fitted this recently are never deleted by a later fit: another
# process fitted them at the same time and its runs name them (see `vocabulary_refit`).
_VOCABULARY_KEPT_FOR = timedelta(hours=1)


@dataclass
class _State:
    # None: the whole roster; k: partition k of MATCHING_PARTITIONS.
    partition: int | None = None
    partitions: int = 1
    vocabulary_id: int | None = None
    index: ProfileIndex | None = None
    engine_version: str = ""
    synced_until: datetime | None = None
    # When the last look began: rows updated more than _CLOCK_OVERLAP before it were
    # committed by then and seen, however many share the newest timestamp (a bulk import).
    looked_at: datetime | None = None
    # What the index holds, by primary key: the updated_at it was read at.
    versions: dict[int, datetime] = field(default_factory=dict)
    built_size: int = 0
    changed_since_build: int = 0


_state = _State()
_partitions: dict[int, _State] = {}
_lock = threading.Lock()


def _volunteers(state: _State) -> VolunteerQuerySet:
    """The rows an index follows: the whole table, or one partition of it."""
    rows = Volunteer.objects.all()
    if state.partition is None:
        return rows
    return rows.alias(part=Mod("id", state.partitions)).filter(part=state.partition)


def _matchable_rows(ids: Iterable[int] | None = None, state: _State = _state) -> list[dict[str, Any]]:
    queryset = _volunteers(state).matchable()
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return list(queryset.order_by("id").values(*PROFILE_FIELDS, "updated_at").iterator(chunk_size=5000))


def _rebuild(state: _State = _state) -> ProfileIndex:
    state.looked_at = timezone.now()
    rows = _matchable_rows(state=state)
    profiles = [profile_from_row(row) for row in rows]
    if state.partition is None:
        state.index = ProfileIndex.build(profiles)
    else:
        vocabulary = _vocabulary(state.vocabulary_id)
        state.vocabulary_id = vocabulary.pk
        state.index = ProfileIndex.build(profiles, fitted=Fitted.from_bytes(bytes(vocabulary.data)))
    _rebuild_done(state, rows)
    return state.index


def _rebuild_done(state: _State, rows: list[dict[str, Any]]) -> None:
    state.engine_version = ENGINE_VERSION
    state.versions = {row["id"]: row["updated_at"] for row in rows}
    state.synced_until = max(state.versions.values(), default=None)
    state.built_size = len(rows)
    state.changed_since_build = 0


def _look_since(state: _State) -> datetime | None:
    """From which updated_at the next look reads: the overlap before the newest row seen or
    the last look, whichever is later (so a bulk import's shared timestamp is read once)."""
    marks = [mark for mark in (state.synced_until, state.looked_at) if mark is not None]
    return max(marks) - _CLOCK_OVERLAP if marks else None


def _sync(index: ProfileIndex, state: _State = _state) -> ProfileIndex:
    since = _look_since(state)
    state.looked_at = timezone.now()
    rows = _volunteers(state)
    recent = rows.filter(updated_at__gte=since) if since else rows
    # Rows inside the overlap window come back on every look; only those whose
    # updated_at moved since we read them are news.
    changed = [
        row
        for row in recent.values("id", "updated_at", "matching_consent", "erased_at")
        if state.versions.get(row["id"]) != row["updated_at"]
    ]
    state.changed_since_build += len(changed)
    # A partition's index keeps the shared statistics until they are refitted for all
    # partitions at once (vocabulary_refit); the drift rule only rebuilds a whole index.
    drifted = state.partition is None and state.changed_since_build > _REBUILD_AFTER_DRIFT * max(state.built_size, 1)
    if len(changed) > _REBUILD_AFTER_CHANGES or drifted:
        return _rebuild(state)
    for row in changed:
        if not row["matching_consent"] or row["erased_at"] is not None:
            index.remove(str(row["id"]))
            state.versions.pop(row["id"], None)
    for fresh in _matchable_rows((row["id"] for row in changed), state):
        index.upsert(profile_from_row(fresh))
        state.versions[fresh["id"]] = fresh["updated_at"]
    if changed:
        latest = max(row["updated_at"] for row in changed)
        state.synced_until = max(latest, state.synced_until) if state.synced_until else latest
    # A hard-deleted row leaves no updated_at behind: compare the counts.
    if _volunteers(state).matchable().count() != len(index):
        return _rebuild(state)
    return index


def roster_index() -> ProfileIndex:
    """This process's index of every matchable profile, brought up to date."""
    with _lock:
        if _state.index is None or _state.engine_version != ENGINE_VERSION:
            return _rebuild(_state)
        return _sync(_state.index, _state)


def roster_index_reset() -> None:
    """Forget the warm indexes (tests, and after a bulk change made outside the ORM)."""
    with _lock:
        _state.index = None
        _state.synced_until = None
        _state.looked_at = None
        _state.versions = {}
        _partitions.clear()


def partition_of(volunteer_id: int) -> int:
    """The partition a volunteer belongs to: primary key modulo MATCHING_PARTITIONS.

    By key rather than by id range: partitions stay the same size as the roster
    grows (new volunteers spread over all of them instead of filling the last), and
    a volunteer never changes partition (a key never changes).
    """
    return int(volunteer_id) % max(1, int(settings.MATCHING_PARTITIONS))


def _vocabulary(vocabulary_id: int | None) -> MatchingVocabulary:
    """The shared statistics to build with: the one asked for, else the newest of this
    engine, fitted now on the whole roster when there is none."""
    rows = MatchingVocabulary.objects.filter(engine_version=ENGINE_VERSION)
    found = rows.filter(pk=vocabulary_id).first() if vocabulary_id is not None else rows.first()
    return found or _refit()


def vocabulary_current() -> int:
    """The id of the statistics new rankings use (fitted now when there are none)."""
    return _vocabulary(None).pk


def vocabulary_refit() -> int:
    """Fit the corpus statistics on the whole matchable roster and store them; return their id.

    One pass over every profile's text, keeping only counts (no index), in the
    process that calls it: the nightly rematch, or the first partition that needs
    them. Older rows beyond the previous one are deleted, unless fitted within
    `_VOCABULARY_KEPT_FOR`: a run in progress may still name the previous one, and
    processes that found none at the same moment (several tasks of a new roster)
    each fit their own and start runs naming it.
    """
    return _refit().pk


def _refit() -> MatchingVocabulary:
    profiles = (profile_from_row(row) for row in _matchable_rows(state=_State()))
    fitted = fit_statistics(profiles)
    row = MatchingVocabulary.objects.create(
        engine_version=ENGINE_VERSION, roster_size=Volunteer.objects.matchable().count(), data=fitted.to_bytes()
    )
    keep = list(MatchingVocabulary.objects.order_by("-id").values_list("pk", flat=True)[:2])
    old = MatchingVocabulary.objects.exclude(pk__in=keep).filter(created_at__lt=timezone.now() - _VOCABULARY_KEPT_FOR)
    old.delete()
    return row


def partition_index(partition: int, *, vocabulary_id: int | None = None) -> ProfileIndex:
    """This process's index of one partition of the roster, brought up to date.

    Built with the statistics ``vocabulary_id`` (a run names the ones it started
    with, so that all its partitions score alike), else the newest ones.
    """
    with _lock:
        partitions = max(1, int(settings.MATCHING_PARTITIONS))
        state = _partitions.get(partition)
        if state is None or state.partitions != partitions:
            state = _partitions[partition] = _State(partition=partition, partitions=partitions)
        wanted = vocabulary_id if vocabulary_id is not None else vocabulary_current()
        if state.index is None or state.engine_version != ENGINE_VERSION or state.vocabulary_id != wanted:
            state.vocabulary_id = wanted
            return _rebuild(state)
        return _sync(state.index, state)


def index_for_volunteer(volunteer_id: int) -> ProfileIndex:
    """The index holding a volunteer: their partition's, or the whole roster's."""
    if int(settings.MATCHING_PARTITIONS) > 1:
        return partition_index(partition_of(volunteer_id))
    return roster_index()
