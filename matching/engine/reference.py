"""Plain per-pair reference scorer: the same score as `rank`, one pair at a time.

It exists to check the vectorised scorer (tests) and to measure its speed-up (bench).
Profile-side vectors are prepared once per profile (`prepare`), as the index does at
build time; `score_pair` then loops over Python dicts only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from matching.engine.eligibility import check_eligibility, coverage, lang_rank
from matching.engine.features import SECTOR_SHARE, profile_terms
from matching.engine.index import ProfileIndex
from matching.engine.model import FIT_FEATURES
from matching.engine.scoring import (
    COMPONENTS,
    SECTOR_FROM_OCCUPATION,
    SHORTFALL_FACTOR,
    Query,
    build_query,
    floors_sector,
    model_of,
)
from matching.engine.types import Profile, ProgrammeRules


@dataclass(frozen=True)
class RefProfile:
    """One profile's vectors as dicts keyed by feature column."""

    profile: Profile
    words: dict[int, float]
    strengths: dict[int, float]
    chars: dict[int, float]
    occupations: dict[int, float]


def prepare(index: ProfileIndex, profile: Profile) -> RefProfile:
    """Vectors of a profile against the index's fitted vocabulary and IDF, in plain Python."""
    terms = profile_terms(profile, index.lexicon, index.config)
    nw = index.n_words
    words: dict[int, float] = {}
    for term, tf in terms.doc.items():
        j = index.vocab.get(term)
        if j is not None:
            words[j] = (1.0 + math.log(tf)) * float(index.idf[j])
    norm = math.sqrt(sum(v * v for v in words.values())) or 1.0
    words = {j: v / norm for j, v in words.items()}
    strengths = {nw + index.vocab[t]: s for t, s in terms.strengths.items() if t in index.vocab}
    chars: dict[int, float] = {}
    if index.n_chars:
        row = index.chars.transform([terms.head_text])
        chars = {2 * nw + int(j): float(v) for j, v in zip(row.indices, row.data, strict=True)}
    occupations: dict[int, float] = {}
    if index.occupations is not None and index.n_occupations:
        row = index._occupation_rows([terms.does])
        off = index.occupation_offset
        occupations = {off + int(j): float(v) for j, v in zip(row.indices, row.data, strict=True)}
    if not any(token in terms.strengths for token in index.sectors):
        # Nothing the lexicon knows: the sectors of the person's ESCO occupations stand in.
        for token, j in index.sectors.items():
            share = occupations.get(index.sector_offset + j, 0.0)
            if share:
                strengths[nw + index.vocab[token]] = SECTOR_SHARE * share
    return RefProfile(profile, words, strengths, chars, occupations)


def _dot(query: dict[int, float], vec: dict[int, float]) -> float:
    return sum(v * vec.get(j, 0.0) for j, v in query.items())


def query_dicts(query: Query) -> list[dict[int, float]]:
    """The weighted text component queries as dicts, then the occupation and sector
    queries unweighted (for the sector floor)."""
    out = []
    for i, w in enumerate(query.weights):
        row = query.parts.getrow(i)
        out.append({int(j): w * float(v) for j, v in zip(row.indices, row.data, strict=True)})
    for name in ("occupation", "sector"):
        row = query.parts.getrow(COMPONENTS.index(name))
        out.append({int(j): float(v) for j, v in zip(row.indices, row.data, strict=True)})
    return out


def score_pair(
    index: ProfileIndex,
    query: Query,
    comps: list[dict[int, float]],
    ref: RefProfile,
    rules: ProgrammeRules,
    today: date,
) -> tuple[float, list[str]]:
    """(score, failed rules) of one pair, computed without numpy."""
    p, vac = ref.profile, query.vacancy
    model = model_of(index.config)
    failed = check_eligibility(p, vac, rules, today=today)
    text = (
        _dot(comps[0], ref.words)
        + _dot(comps[1], ref.strengths)
        + _dot(comps[2], ref.strengths)
        + _dot(comps[3], ref.chars)
        + _dot(comps[4], ref.occupations)
        + _dot(comps[5], ref.strengths)
        + _dot(comps[6], ref.occupations)
    )
    if floors_sector(index):
        occupation, sector = _dot(comps[7], ref.occupations), _dot(comps[8], ref.strengths)
        text += query.weights[COMPONENTS.index("sector")] * max(0.0, SECTOR_FROM_OCCUPATION * occupation - sector)
    if not index.config.use_structured_fit:
        return _sigmoid(text + model.intercept), failed
    short = min(2, max(0, vac.min_years_experience - p.years_experience))
    langs = 1.0
    if vac.required_languages:
        held = {c.lower(): lang_rank(level) for c, level in p.languages.items()}
        langs = sum(
            min(2, max(0, held.get(c.lower(), 0) - lang_rank(level))) / 2.0
            for c, level in vac.required_languages.items()
        ) / len(vac.required_languages)
    cov = coverage(p.available_from, p.available_until, vac.start_date, vac.end_date, today)
    avail = 1.0 if cov is None else min(1.0, cov)
    signals = (SHORTFALL_FACTOR[short], langs, avail)
    bonus = sum(model.weight(name) * value for name, value in zip(FIT_FEATURES, signals, strict=True))
    return _sigmoid(text + bonus + model.intercept), failed


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def reference_rank(
    index: ProfileIndex,
    refs: Sequence[RefProfile],
    vacancy_query: Query | None = None,
    *,
    vacancy: object = None,
    rules: ProgrammeRules = ProgrammeRules(),  # noqa: B008
    today: date,
    top_k: int = 200,
) -> list[tuple[str, float]]:
    """Eligible (id, score) pairs, best first, by looping over every profile."""
    if vacancy_query is None:
        vacancy_query = build_query(index, vacancy)  # type: ignore[arg-type]
    comps = query_dicts(vacancy_query)
    scored = []
    for ref in refs:
        score, failed = score_pair(index, vacancy_query, comps, ref, rules, today)
        if not failed:
            scored.append((ref.profile.id, score))
    scored.sort(key=lambda x: -x[1])
    return scored[:top_k]
