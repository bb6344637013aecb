"""Query vectors and vectorised scores: text relevance times structured fit."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from matching.engine.columns import rule_failures
from matching.engine.eligibility import lang_rank
from matching.engine.features import VacancyTerms, vacancy_terms
from matching.engine.index import DTYPE, ProfileIndex
from matching.engine.types import ProgrammeRules, Vacancy

REQUIRED_SHARE = 0.75  # of the skills part; preferred skills get the rest
FIT_WEIGHT = 0.15  # how far languages, availability and sector move a score
SHORTFALL_FACTOR = {0: 1.0, 1: 0.85, 2: 0.75}  # years short of the minimum -> multiplier
COMPONENTS = ("words", "does", "skills", "chars")


@dataclass(frozen=True)
class Query:
    """A vacancy compiled against one index."""

    vacancy: Vacancy
    terms: VacancyTerms
    vector: sp.csr_matrix  # 1 x features, weights folded in and summing to 1
    parts: sp.csr_matrix  # len(COMPONENTS) x features, unweighted, for score parts
    weights: tuple[float, ...]


def _bag_vector(index: ProfileIndex, bag: Counter[str], offset: int) -> dict[int, float]:
    """IDF-weighted, L1-normalised coverage query for a bag of terms."""
    vec: dict[int, float] = {}
    for term in bag:
        j = index.vocab.get(term)
        if j is not None:
            vec[offset + j] = float(index.idf[j])
    total = sum(vec.values())
    return {j: v / total for j, v in vec.items()} if total else {}


def _row(entries: dict[int, float], n: int) -> sp.csr_matrix:
    keys = np.fromiter(entries.keys(), dtype=np.int32, count=len(entries))
    vals = np.fromiter(entries.values(), dtype=DTYPE, count=len(entries))
    order = np.argsort(keys)
    return sp.csr_matrix((vals[order], keys[order], np.array([0, len(keys)])), shape=(1, n))


def build_query(index: ProfileIndex, vacancy: Vacancy) -> Query:
    """Compile a vacancy into one weighted sparse query over the index's feature space."""
    cfg = index.config
    vt = vacancy_terms(vacancy, index.lexicon, cfg)
    n, nw = index.n_features, index.n_words
    words: dict[int, float] = {}
    if cfg.use_word_tfidf and nw:
        q = index.word_vector(vt.doc).tocsr()
        keep = np.argsort(-q.data)[: cfg.max_query_terms]
        data = q.data[keep]
        norm = float(np.linalg.norm(data)) or 1.0
        words = {int(j): float(v) / norm for j, v in zip(q.indices[keep], data, strict=True)}
    does = _bag_vector(index, vt.title, nw)
    skills: dict[int, float] = {}
    req = [bag for _, bag, r in vt.skills if r]
    pref = [bag for _, bag, r in vt.skills if not r]
    for group, share in ((req, REQUIRED_SHARE if pref else 1.0), (pref, 1.0 - REQUIRED_SHARE if req else 1.0)):
        for bag in group:
            for j, v in _bag_vector(index, bag, nw).items():
                skills[j] = skills.get(j, 0.0) + v * share / len(group)
    chars: dict[int, float] = {}
    if cfg.use_char_ngrams and index.n_chars:
        qc = index.chars.transform([vt.title_text]).tocsr()
        chars = {2 * nw + int(j): float(v) for j, v in zip(qc.indices, qc.data, strict=True)}
    w = [
        cfg.w_words if words else 0.0,
        cfg.w_does if does else 0.0,
        cfg.w_skills if (skills and cfg.use_skill_coverage) else 0.0,
        cfg.w_chars if chars else 0.0,
    ]
    if not any(w):
        w[1] = 1.0
    total = sum(w)
    weights = tuple(x / total for x in w)
    combined: dict[int, float] = {}
    for wt, comp in zip(weights, (words, does, skills, chars), strict=True):
        for j, v in comp.items():
            combined[j] = combined.get(j, 0.0) + wt * v
    parts = sp.vstack([_row(c, n) for c in (words, does, skills, chars)], format="csr")
    return Query(vacancy, vt, _row(combined, n), parts, weights)


def text_scores(index: ProfileIndex, queries: sp.csr_matrix) -> NDArray[np.float32]:
    """Text relevance of every row (tombstones included) for a stack of query vectors."""
    out = np.empty((queries.shape[0], index.n_rows), dtype=DTYPE)
    out[:, : index.base_rows] = (queries @ index.base_t).toarray()
    if index.n_rows > index.base_rows:
        out[:, index.base_rows :] = (queries @ index.pending_matrix().T).toarray()
    return out


@dataclass(frozen=True)
class Fit:
    """Vectorised hard rules and structured fit of one vacancy over all rows."""

    eligible: NDArray[np.bool_]
    failures: list[tuple[str, NDArray[np.bool_]]]
    multiplier: NDArray[np.float32]
    experience: NDArray[np.float32]
    languages: NDArray[np.float32]
    availability: NDArray[np.float32]
    sector: NDArray[np.float32]


def structured_fit(
    index: ProfileIndex, query: Query, rules: ProgrammeRules, today: date
) -> Fit:
    """Eligibility and the multiplier that experience, languages, dates and sector apply."""
    vac = query.vacancy
    cols = index.cols
    n = cols.n
    eligible, failures, cov = rule_failures(cols, vac, rules, today)
    short = np.clip(vac.min_years_experience - cols.years[:n].astype(np.int32), 0, 2)
    exp = np.choose(short, [SHORTFALL_FACTOR[0], SHORTFALL_FACTOR[1], SHORTFALL_FACTOR[2]]).astype(DTYPE)
    if vac.required_languages:
        surplus = np.zeros(n, dtype=DTYPE)
        for code, level in vac.required_languages.items():
            surplus += np.clip(cols.language(code) - lang_rank(level), 0, 2) / 2.0
        langs = (surplus / len(vac.required_languages)).astype(DTYPE)
    else:
        langs = np.ones(n, dtype=DTYPE)
    avail = np.clip(cov, 0.0, 1.0).astype(DTYPE)
    sector = np.zeros(n, dtype=DTYPE)
    for token in query.terms.sectors:
        j = index.sectors.get(token)
        if j is not None:
            sector = np.maximum(sector, index.sector_strength[:n, j])
    if not query.terms.sectors:
        sector = np.ones(n, dtype=DTYPE)
    if index.config.use_structured_fit:
        soft = 0.2 * langs + 0.3 * avail + 0.5 * sector
        mult = exp * (1.0 - FIT_WEIGHT + FIT_WEIGHT * soft)
    else:
        mult = np.ones(n, dtype=DTYPE)
    return Fit(eligible, failures, mult.astype(DTYPE), exp, langs, avail, sector)
