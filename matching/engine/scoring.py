"""Query vectors and vectorised scores: text relevance times structured fit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
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
_SHORTFALL = np.array([SHORTFALL_FACTOR[k] for k in range(3)], dtype=DTYPE)


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
    return build_queries(index, [vacancy])[0]


def build_queries(index: ProfileIndex, vacancies: Sequence[Vacancy]) -> list[Query]:
    """`build_query` for many vacancies, with one vectoriser call per feature space."""
    cfg = index.config
    vts = [vacancy_terms(v, index.lexicon, cfg) for v in vacancies]
    nw = index.n_words
    word_rows = index.word_vector_rows([vt.doc for vt in vts]) if cfg.use_word_tfidf and nw else None
    char_rows = (
        index.chars.transform([vt.title_text for vt in vts]).tocsr() if cfg.use_char_ngrams and index.n_chars else None
    )
    out = []
    for i, (vacancy, vt) in enumerate(zip(vacancies, vts, strict=True)):
        words: dict[int, float] = {}
        if word_rows is not None:
            lo, hi = word_rows.indptr[i], word_rows.indptr[i + 1]
            idx, data = word_rows.indices[lo:hi], word_rows.data[lo:hi]
            keep = np.argsort(-data)[: cfg.max_query_terms]
            norm = float(np.linalg.norm(data[keep])) or 1.0
            words = {int(j): float(v) / norm for j, v in zip(idx[keep], data[keep], strict=True)}
        chars: dict[int, float] = {}
        if char_rows is not None:
            lo, hi = char_rows.indptr[i], char_rows.indptr[i + 1]
            chars = {
                2 * nw + int(j): float(v) for j, v in zip(char_rows.indices[lo:hi], char_rows.data[lo:hi], strict=True)
            }
        out.append(_assemble(index, vacancy, vt, words, chars))
    return out


def _assemble(
    index: ProfileIndex, vacancy: Vacancy, vt: VacancyTerms, words: dict[int, float], chars: dict[int, float]
) -> Query:
    cfg = index.config
    n, nw = index.n_features, index.n_words
    does = _bag_vector(index, vt.title, nw)
    skills: dict[int, float] = {}
    req = [bag for _, bag, r in vt.skills if r]
    pref = [bag for _, bag, r in vt.skills if not r]
    for group, share in ((req, REQUIRED_SHARE if pref else 1.0), (pref, 1.0 - REQUIRED_SHARE if req else 1.0)):
        for bag in group:
            for j, v in _bag_vector(index, bag, nw).items():
                skills[j] = skills.get(j, 0.0) + v * share / len(group)
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
    index: ProfileIndex,
    query: Query,
    rules: ProgrammeRules,
    today: date,
    rows: NDArray[np.int64] | None = None,
) -> Fit:
    """Eligibility and the multiplier that experience, languages, dates and sector apply.

    Arrays are aligned with `rows` when given (a pre-selected pool), else with every row.
    """
    vac = query.vacancy
    cols = index.cols
    n = cols.n if rows is None else len(rows)
    eligible, failures, cov = rule_failures(cols, vac, rules, today, rows)
    years = cols.years[: cols.n] if rows is None else cols.years[rows]
    short = np.clip(vac.min_years_experience - years.astype(np.int32), 0, 2)
    exp = _SHORTFALL[short]
    if vac.required_languages:
        surplus = np.zeros(n, dtype=DTYPE)
        for code, level in vac.required_languages.items():
            surplus += np.clip(cols.language_rows(code, rows) - lang_rank(level), 0, 2) / 2.0
        langs = (surplus / len(vac.required_languages)).astype(DTYPE)
    else:
        langs = np.ones(n, dtype=DTYPE)
    avail = np.clip(cov, 0.0, 1.0).astype(DTYPE)
    if query.terms.sectors:
        strength = index.sector_strength[: cols.n] if rows is None else index.sector_strength[rows]
        sector = np.zeros(n, dtype=DTYPE)
        for token in query.terms.sectors:
            j = index.sectors.get(token)
            if j is not None:
                sector = np.maximum(sector, strength[:, j])
    else:
        sector = np.ones(n, dtype=DTYPE)
    if index.config.use_structured_fit:
        soft = 0.2 * langs + 0.3 * avail + 0.5 * sector
        mult = exp * (1.0 - FIT_WEIGHT + FIT_WEIGHT * soft)
    else:
        mult = np.ones(n, dtype=DTYPE)
    return Fit(eligible, failures, mult.astype(DTYPE), exp, langs, avail, sector)
