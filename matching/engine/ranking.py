"""Public ranking entry points: rank, rank_many and explain."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from matching.engine.explain import SkillMatcher, candidate_explanation, skill_keys, vocabulary_of, works_in_sector
from matching.engine.index import ProfileIndex
from matching.engine.scoring import (
    COMPONENTS,
    Fit,
    Query,
    build_queries,
    build_query,
    floor_sector,
    floors_sector,
    max_bonus,
    model_of,
    raise_sector_floor,
    sector_floor_gain,
    squash,
    structured_fit,
    text_scores,
)
from matching.engine.types import Candidate, ProgrammeRules, Vacancy

PART_NAMES = (*COMPONENTS, "text", "experience", "languages", "availability")
CHUNK = 64  # vacancies scored together in rank_many (bounds the dense score block)
POOL_FACTOR = 8  # rows pre-selected by text score per requested candidate
POOL_GROWTH = 4  # the next pool's size when a pool fails its check
# The first pool's least size. On the synthetic bench (100,000 volunteers, top 200) a
# first pool of 2,000 failed its check for 46% of vacancies, which then paid for a
# second; one of 4,000 fails for 13%. Picking a pool, its rules and its top rows take
# 0.7 ms at 2,000 rows, 0.9 at 4,000 and 1.6 at 16,000.
MIN_POOL = 4_000
SAMPLE_STEP = 8  # every 8th text score is sampled to find a pool's lowest score quickly


def id_order(profile_id: str) -> tuple[int, str]:
    """The order of profile ids that breaks ties between equal scores: numeric ids (the
    database's keys) by value, others as text; the same in every index and partition."""
    return len(profile_id), profile_id


def _top_rows(
    index: ProfileIndex,
    scores: NDArray[np.float32],
    mask: NDArray[np.bool_],
    top_k: int,
    rows: NDArray[np.int64] | None = None,
) -> NDArray[np.int64]:
    """Positions of the top_k scores among `mask`, best first; `rows` maps positions to
    index rows (identity when None).

    Equal scores are ordered by profile id (`id_order`), the k-th place included, so
    that the best of a roster are the same people however it is partitioned.
    """
    pos = np.flatnonzero(mask)
    if len(pos) > top_k:
        neg = -scores[pos]
        kth = np.partition(neg, top_k - 1)[top_k - 1]
        pos = pos[neg <= kth]  # the top_k and whoever ties with the k-th
    best = scores[pos]
    order = np.argsort(-best, kind="stable")
    ordered = best[order]
    # Places whose score equals the next one's. Only those runs of equal scores are put in
    # id order: a list has a few, and looking up the ids of all its rows took longer than
    # the rest of this function.
    tied = np.flatnonzero(ordered[1:] == ordered[:-1])
    if len(tied):
        row_of = pos if rows is None else rows[pos]
        breaks = np.flatnonzero(np.diff(tied) != 1)  # where one run ends and the next begins
        starts = np.concatenate([tied[:1], tied[breaks + 1]])
        stops = np.concatenate([tied[breaks], tied[-1:]]) + 2
        for start, stop in zip(starts.tolist(), stops.tolist(), strict=True):
            run = order[start:stop].tolist()  # ids are unique: they alone order a run
            order[start:stop] = sorted(run, key=lambda i: id_order(index.profile(int(row_of[i])).id))
    return pos[order[:top_k]]


def _best_rows(text: NDArray[np.float32], size: int) -> tuple[NDArray[np.int64], np.float32]:
    """The rows of the `size` best text scores, and the lowest of those scores.

    Which of several rows tied at the lowest score get in is immaterial to the ranking
    (see `_rank_one`), and so is their order (`_top_rows` orders by score and id): here
    the first, in row order.
    """
    # The best `size` are among the rows that reach a bound taken from a sample (its best
    # 2 * size / SAMPLE_STEP: the pool's share of it twice over) whenever at least `size`
    # rows reach it, as they nearly always do: one pass over every row, and the rest on
    # those few (a pool of 2,000 of 100,000 synthetic volunteers: 0.28 ms, where
    # argpartition took 1.07).
    rows: NDArray[np.int64] | None = None
    sample = text[::SAMPLE_STEP]
    k = max(2 * size // SAMPLE_STEP, 1)
    if k < len(sample):
        rows = np.flatnonzero(text >= np.partition(sample, len(sample) - k)[len(sample) - k])
    if rows is None or len(rows) < size:
        rows = np.arange(len(text))
    scores = text[rows]
    lowest = np.partition(scores, len(scores) - size)[len(scores) - size]
    above = rows[scores > lowest]
    tied = rows[scores == lowest][: size - len(above)]
    return np.concatenate([above, tied]), lowest


def _candidates(
    index: ProfileIndex,
    query: Query,
    fit: Fit,
    text: NDArray[np.float32],
    final: NDArray[np.float32],
    pos: NDArray[np.int64],
    rows: NDArray[np.int64],
    explain_top: int | None = None,
    components: NDArray[np.float32] | None = None,
) -> list[Candidate]:
    """Candidates for index `rows`; `pos` locates them in the (aligned) fit/text/final arrays.

    Only the first `explain_top` rows (all when None) get reasons and skills; the
    others carry score and parts with ``explained=False``: their reasons can be
    computed later from the profile, the vacancy and the parts (`StoredExplainer`).
    `components` (rows x COMPONENTS) are the text parts when the caller has them.
    """
    if len(rows) == 0:
        return []
    n_explain = len(rows) if explain_top is None else explain_top
    if components is None:
        components = np.asarray((index.row_vectors(rows) @ query.parts.T).todense(), dtype=np.float32)
    components = floor_sector(index, components)
    extra = np.stack([text[pos], fit.experience[pos], fit.languages[pos], fit.availability[pos]]).T
    parts = [
        dict(zip(PART_NAMES, values, strict=True))
        for values in np.concatenate([np.round(components, 4), np.round(extra, 4)], axis=1).tolist()
    ]
    vocab = vocabulary_of(index.lexicon)
    matcher = SkillMatcher(skill_keys(query.terms, vocab), vocab) if n_explain else None
    codes = [code for code, _ in fit.failures]
    # Ranked lists hold eligible people only: the rules each one fails are listed only
    # where there are some.
    failing = np.stack([b[pos] for _, b in fit.failures], axis=1) if codes else np.zeros((len(rows), 0), bool)
    any_failed = failing.any(axis=1).tolist()
    dated = (index.cols.has_dates[rows] & (query.vacancy.start_date is not None)).tolist()
    scores = squash(final[pos]).tolist()
    band = model_of(index.config).band
    vacancy = query.vacancy
    projected = index.occupations is not None and index.n_occupations > 0
    out: list[Candidate] = []
    for i, row in enumerate(rows.tolist()):
        profile = index.profiles[row]
        notes = index.notes[row]
        if profile is None or notes is None:  # tombstones are masked out; defensive only
            continue
        failed = [code for code, b in zip(codes, failing[i].tolist(), strict=True) if b] if any_failed[i] else []
        explained = i < n_explain
        reasons: list[str] = []
        matched: list[tuple[str, str]] = []
        missing: list[str] = []
        if explained and matcher is not None:
            cov = parts[i]["availability"] if dated[i] else None
            reasons, matched, missing = candidate_explanation(
                profile,
                vacancy,
                notes,
                matcher,
                failed,
                cov,
                parts[i]["occupation"] if projected else None,
                works_in_sector(parts[i]),
            )
        out.append(
            Candidate(
                profile_id=profile.id,
                score=scores[i],
                eligible=not failed,
                parts=parts[i],
                reasons=reasons,
                matched_skills=matched,
                missing_skills=missing,
                failed_rules=failed,
                # Unexplained, the band its score allows (see `Candidate.band`).
                band=band(scores[i], same_skill=bool(matched) or not explained),
                explained=explained,
            )
        )
    return out


def _rank_one(
    index: ProfileIndex,
    query: Query,
    text: NDArray[np.float32],
    rules: ProgrammeRules,
    today: date,
    top_k: int,
    include_ineligible: bool,
    only_ids: Collection[str] | None = None,
    explain_top: int | None = None,
) -> list[Candidate]:
    subset: NDArray[np.bool_] | None = None
    if only_ids is not None:
        subset = np.zeros(index.n_rows, dtype=bool)
        subset[[index.rows[pid] for pid in only_ids if pid in index.rows]] = True
        # Outside the subset nobody can enter the pool or pass the mask.
        text = np.where(subset, text, np.float32(-1e9))
    pool_size = max(POOL_FACTOR * top_k, MIN_POOL)
    # The structured signals add at most max_bonus to a logit, so the best final
    # logits lie among the best text scores: score a pool, and check that nobody
    # outside it (text <= the pool's lowest) could beat the k-th; otherwise a pool
    # POOL_GROWTH times larger (a vacancy few people are eligible for), and only then
    # all rows. Any pool that passes the check gives the list all rows would.
    while not include_ineligible and index.n_rows > 2 * pool_size:
        pool, lowest = _best_rows(text, pool_size)
        fit = structured_fit(index, query, rules, today, pool)
        final = text[pool] + fit.bonus
        eligible = fit.eligible if subset is None else fit.eligible & subset[pool]
        pos = _top_rows(index, final, eligible, top_k, pool)
        if len(pos) == top_k and final[pos[-1]] > lowest + max_bonus(index):
            return _candidates(index, query, fit, text[pool], final, pos, pool[pos], explain_top)
        pool_size *= POOL_GROWTH
    fit = structured_fit(index, query, rules, today)
    final = text + fit.bonus
    mask = index.cols.alive[: index.n_rows] if include_ineligible else fit.eligible
    if subset is not None:
        mask = mask & subset
    rows = _top_rows(index, final, mask, top_k)
    return _candidates(index, query, fit, text, final, rows, rows, explain_top)


def rank(
    index: ProfileIndex,
    vacancy: Vacancy,
    *,
    rules: ProgrammeRules = ProgrammeRules(),  # noqa: B008 - frozen, safe as default
    today: date,
    top_k: int = 200,
    include_ineligible: bool = False,
    only_ids: Collection[str] | None = None,
    explain_top: int | None = None,
) -> list[Candidate]:
    """Best `top_k` volunteers for a vacancy, highest score first.

    Only eligible volunteers are returned unless `include_ineligible`; then ineligible
    ones are ranked by score too and carry the rules they fail in `failed_rules`.
    `only_ids` restricts the ranking to those profiles (one chunk of a roster
    that several workers rank in parallel); scores stay comparable across chunks
    because every chunk is scored against the same index. Only the best
    `explain_top` (all when None) carry reasons; the rest have ``explained=False``.
    """
    query = build_query(index, vacancy)
    text = text_scores(index, query.vector)[0]
    raise_sector_floor(index, query, text)
    return _rank_one(index, query, text, rules, today, top_k, include_ineligible, only_ids, explain_top)


def rank_many(
    index: ProfileIndex,
    vacancies: Sequence[Vacancy],
    *,
    rules_for: Callable[[Vacancy], ProgrammeRules] | ProgrammeRules = ProgrammeRules(),  # noqa: B008
    today: date,
    top_k: int = 200,
    explain_top: int | None = None,
) -> dict[str, list[Candidate]]:
    """`rank` for many vacancies at once: one sparse product per chunk of vacancies."""
    out: dict[str, list[Candidate]] = {}
    # Hundreds of thousands of small result objects, none in a cycle: collecting while
    # they pile up only re-scans them, so the collector waits until the batch is done.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for start in range(0, len(vacancies), CHUNK):
            chunk = vacancies[start : start + CHUNK]
            queries = build_queries(index, chunk)
            block = text_scores(index, sp.vstack([q.vector for q in queries], format="csr"))
            for i, query in enumerate(queries):
                raise_sector_floor(index, query, block[i])
                rules = rules_for(query.vacancy) if callable(rules_for) else rules_for
                out[query.vacancy.id] = _rank_one(
                    index, query, block[i], rules, today, top_k, False, explain_top=explain_top
                )
    finally:
        if was_enabled:
            gc.enable()
    return out


def merge_ranked(lists: Iterable[Sequence[Candidate]], top_k: int = 200) -> list[Candidate]:
    """The best `top_k` of several partitions' ranked lists, in `rank`'s order.

    Exact when each list holds its partition's best `top_k` ranked against indexes
    sharing one `Fitted`: every candidate of the whole roster's top_k is in the top_k
    of its own partition, and equal scores are ordered by id in both.
    """
    merged = [c for ranked in lists for c in ranked]
    merged.sort(key=lambda c: (-c.score, id_order(c.profile_id)))
    return merged[:top_k]


# Compiled queries per index, by vacancy id, for `score_profile`: an index's vocabulary
# and IDF never change after it is built (upserts are scored with them), so a vacancy's
# query against it stays valid until the vacancy's terms change (compared in full).
_QUERY_MEMO: weakref.WeakKeyDictionary[ProfileIndex, dict[str, tuple[Vacancy, Query]]] = weakref.WeakKeyDictionary()
QUERY_MEMO_SIZE = 4096  # queries kept per index; more open vacancies than that only cost rebuilds


def _memo_queries(index: ProfileIndex, vacancies: Sequence[Vacancy]) -> list[Query]:
    memo = _QUERY_MEMO.setdefault(index, {})
    missing = [v for v in vacancies if (hit := memo.get(v.id)) is None or hit[0] != v]
    if missing:
        if len(memo) + len(missing) > QUERY_MEMO_SIZE:
            memo.clear()
        for query in build_queries(index, missing):
            memo[query.vacancy.id] = (query.vacancy, query)
    return [memo[v.id][1] for v in vacancies]


def score_profile(
    index: ProfileIndex,
    vacancies: Sequence[Vacancy],
    profile_id: str,
    *,
    rules_for: Callable[[Vacancy], ProgrammeRules] | ProgrammeRules = ProgrammeRules(),  # noqa: B008
    today: date,
    reasons: bool = False,
) -> dict[str, Candidate]:
    """One profile against many vacancies (a changed profile rescored): a candidate per vacancy id.

    The same score, parts and eligibility as `rank` gives that person for each
    vacancy, computed for their row alone: one sparse product for all the
    vacancies, the structured fit of one row each. Reasons only with `reasons`
    (else ``explained=False``), so that a caller explains just the lists the
    person enters. Queries are compiled once per index and vacancy.
    """
    row = index.rows.get(profile_id)
    if row is None:
        raise KeyError(profile_id)
    if not vacancies:
        return {}
    queries = _memo_queries(index, vacancies)
    rows = np.array([row], dtype=np.int64)
    vector = index.row_vectors(rows).T
    # The text score and its parts for every vacancy: two sparse products in all.
    texts = np.asarray((sp.vstack([q.vector for q in queries], format="csr") @ vector).todense(), dtype=np.float32)
    parts = np.asarray((sp.vstack([q.parts for q in queries], format="csr") @ vector).todense(), dtype=np.float32)
    parts = parts.reshape(len(queries), 1, -1)
    if floors_sector(index):
        for i, query in enumerate(queries):
            texts[i] += sector_floor_gain(query, parts[i])
    here = np.zeros(1, dtype=np.int64)
    out: dict[str, Candidate] = {}
    for i, query in enumerate(queries):
        rules = rules_for(query.vacancy) if callable(rules_for) else rules_for
        fit = structured_fit(index, query, rules, today, rows)
        final = texts[i] + fit.bonus
        out[query.vacancy.id] = _candidates(
            index, query, fit, texts[i], final, here, rows, None if reasons else 0, components=parts[i]
        )[0]
    return out


def explain(
    index: ProfileIndex,
    vacancy: Vacancy,
    profile_id: str,
    *,
    rules: ProgrammeRules = ProgrammeRules(),  # noqa: B008
    today: date,
    with_rank: bool = True,
) -> Candidate:
    """Why is this person (not) on the list: failed rules, score parts and reasons; with
    `with_rank`, a last reason gives their rank among everyone eligible in the index
    (left out by a caller that places them on a stored list instead)."""
    row = index.rows.get(profile_id)
    if row is None:
        raise KeyError(profile_id)
    query = build_query(index, vacancy)
    rows = np.array([row], dtype=np.int64)
    text = text_scores(index, query.vector)[0]
    raise_sector_floor(index, query, text)
    fit = structured_fit(index, query, rules, today)
    final = text + fit.bonus
    cand = _candidates(index, query, fit, text, final, rows, rows)[0]
    if cand.eligible and with_rank:
        better = int(np.count_nonzero(fit.eligible & (final > final[row])))
        cand.reasons.append(f"rank {better + 1} of {int(fit.eligible.sum())} eligible")
    return cand
