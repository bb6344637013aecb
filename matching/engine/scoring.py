"""Query vectors and vectorised scores: the learnt logistic model over text and structured signals.

score = sigmoid(b + sum of w_i * text signal_i + sum of c_j * structured signal_j). The text
signals are scored for the whole roster by one sparse product (their weights folded into
one query vector); the structured ones only where eligibility is checked.
"""

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
from matching.engine.features import SECTOR_SHARE, VacancyTerms, vacancy_terms
from matching.engine.index import DTYPE, ProfileIndex
from matching.engine.model import FIT_FEATURES, TEXT_FEATURES, RankerModel, load_model
from matching.engine.types import EngineConfig, ProgrammeRules, Vacancy

REQUIRED_SHARE = 0.75  # of the skills part; preferred skills get the rest
# The sector part is at least this share of the ESCO occupation agreement: a person whose
# occupation agrees with the vacancy's is in its sector at least half-way, whatever the
# lexicon makes of their words (it may not know them). Chosen on the dev set with the
# vacancy's field unforeseen by the lexicon (README, Quality: 0.825 -> 0.836 NDCG@10),
# where it changed nothing with the field known.
SECTOR_FROM_OCCUPATION = 0.5
SHORTFALL_FACTOR = {0: 1.0, 1: 0.85, 2: 0.75}  # years short of the minimum -> experience signal
COMPONENTS = TEXT_FEATURES
_OCCUPATION, _SECTOR = COMPONENTS.index("occupation"), COMPONENTS.index("sector")
_SHORTFALL = np.array([SHORTFALL_FACTOR[k] for k in range(3)], dtype=DTYPE)


@dataclass(frozen=True)
class Query:
    """A vacancy compiled against one index."""

    vacancy: Vacancy
    terms: VacancyTerms
    vector: sp.csr_matrix  # 1 x features, weights folded in and summing to 1
    parts: sp.csr_matrix  # len(COMPONENTS) x features, unweighted, for score parts
    weights: tuple[float, ...]


def model_of(config: EngineConfig) -> RankerModel:
    """The model a configuration scores with (the shipped one unless given)."""
    return config.model if config.model is not None else load_model()


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


def _rows(entries: Sequence[dict[int, float]], n: int) -> sp.csr_matrix:
    """`_row` of each, stacked: one matrix built instead of one per row and a vstack."""
    keys = [np.fromiter(e.keys(), dtype=np.int32, count=len(e)) for e in entries]
    vals = [np.fromiter(e.values(), dtype=DTYPE, count=len(e)) for e in entries]
    orders = [np.argsort(k) for k in keys]
    indptr = np.zeros(len(entries) + 1, dtype=np.int32)
    indptr[1:] = np.cumsum([len(k) for k in keys])
    return sp.csr_matrix(
        (
            np.concatenate([v[o] for v, o in zip(vals, orders, strict=True)]),
            np.concatenate([k[o] for k, o in zip(keys, orders, strict=True)]),
            indptr,
        ),
        shape=(len(entries), n),
    )


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
    # One projection for all the vacancies: rows are projected independently.
    occ_rows = (
        index.occupations.project([vt.does for vt in vts])
        if index.occupations is not None and index.n_occupations
        else None
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
        occ: dict[int, float] = {}
        if occ_rows is not None:
            lo, hi = occ_rows.indptr[i], occ_rows.indptr[i + 1]
            off = index.occupation_offset
            occ = {off + int(j): float(v) for j, v in zip(occ_rows.indices[lo:hi], occ_rows.data[lo:hi], strict=True)}
        out.append(_assemble(index, vacancy, vt, words, chars, occ))
    return out


def _assemble(
    index: ProfileIndex,
    vacancy: Vacancy,
    vt: VacancyTerms,
    words: dict[int, float],
    chars: dict[int, float],
    occ: dict[int, float],
) -> Query:
    cfg = index.config
    model = model_of(cfg)
    n, nw = index.n_features, index.n_words
    does = _bag_vector(index, vt.title, nw)
    skills: dict[int, float] = {}
    req = [bag for _, bag, r in vt.skills if r]
    pref = [bag for _, bag, r in vt.skills if not r]
    for group, share in ((req, REQUIRED_SHARE if pref else 1.0), (pref, 1.0 - REQUIRED_SHARE if req else 1.0)):
        for bag in group:
            for j, v in _bag_vector(index, bag, nw).items():
                skills[j] = skills.get(j, 0.0) + v * share / len(group)
    if not cfg.use_skill_coverage:
        skills = {}
    # Sector: how strongly the person's text is in the vacancy's sector (the mean over its
    # sectors of the sector evidence, which lies in [0, SECTOR_SHARE]), as a text signal so
    # that the one sparse product scores it for the whole roster.
    sector: dict[int, float] = {}
    if cfg.use_structured_fit and vt.sectors:
        for token in vt.sectors:
            col = index.vocab.get(token)
            if col is not None:
                sector[nw + col] = 1.0 / (SECTOR_SHARE * len(vt.sectors))
    # The same sectors, as the person's ESCO occupations belong to them (words the lexicon
    # does not know still land on an occupation, and the occupation has a sector).
    occ_sector: dict[int, float] = {}
    if cfg.use_structured_fit and vt.sectors and index.occupation_sectors.size:
        for token in vt.sectors:
            col = index.sectors.get(token)
            if col is not None:
                occ_sector[index.sector_offset + col] = 1.0 / len(vt.sectors)
    comps = (words, does, skills, chars, occ, sector, occ_sector)
    weights = tuple(model.weight(name) for name in TEXT_FEATURES)
    combined: dict[int, float] = {}
    for wt, comp in zip(weights, comps, strict=True):
        for j, v in comp.items():
            combined[j] = combined.get(j, 0.0) + wt * v
    return Query(vacancy, vt, _row(combined, n), _rows(comps, n), weights)


def text_scores(index: ProfileIndex, queries: sp.csr_matrix) -> NDArray[np.float32]:
    """Text relevance of every row (tombstones included) for a stack of query vectors."""
    out = np.empty((queries.shape[0], index.n_rows), dtype=DTYPE)
    # Per query, its features' postings times its weights, summed straight into a dense
    # row: the same products added in the same (feature) order as the sparse product
    # `queries @ base_t`, without building that product's sparse rows of nearly every
    # person (about 2.5 times faster).
    base_t = index.base_t
    for i in range(queries.shape[0]):
        lo, hi = queries.indptr[i], queries.indptr[i + 1]
        out[i, : index.base_rows] = base_t[queries.indices[lo:hi]].T @ queries.data[lo:hi]
    if index.n_rows > index.base_rows:
        out[:, index.base_rows :] = (queries @ index.pending_matrix().T).toarray()
    return out


def floors_sector(index: ProfileIndex) -> bool:
    """Whether the index's scores raise the sector part to `SECTOR_FROM_OCCUPATION` of the
    occupation agreement (the floor and both signals are on)."""
    cfg = index.config
    return cfg.use_sector_floor and cfg.use_structured_fit and index.occupations is not None and index.n_occupations > 0


def floor_sector(index: ProfileIndex, parts: NDArray[np.float32]) -> NDArray[np.float32]:
    """Unweighted parts (rows x COMPONENTS) with the sector part raised to its floor."""
    if not floors_sector(index) or not len(parts):
        return parts
    out = parts.copy()
    out[:, _SECTOR] = np.maximum(parts[:, _SECTOR], DTYPE(SECTOR_FROM_OCCUPATION) * parts[:, _OCCUPATION])
    return out


def _gain(query: Query, occupation: NDArray[np.float32], sector: NDArray[np.float32]) -> NDArray[np.float32]:
    """What the sector floor adds to text scores, from the rows' unweighted occupation and
    sector parts: the sector's weight times how far the sector falls short of its floor."""
    lift = np.maximum(DTYPE(SECTOR_FROM_OCCUPATION) * occupation - sector, DTYPE(0.0))
    gain: NDArray[np.float32] = (DTYPE(query.weights[_SECTOR]) * lift).astype(DTYPE)
    return gain


def sector_floor_gain(query: Query, parts: NDArray[np.float32]) -> NDArray[np.float32]:
    """What the sector floor adds to the text score of rows with these unweighted parts."""
    return _gain(query, parts[:, _OCCUPATION], parts[:, _SECTOR])


def raise_sector_floor(index: ProfileIndex, query: Query, text: NDArray[np.float32]) -> None:
    """Add the sector floor to one query's text scores of every row (`text_scores`'s row).

    A maximum is not a sparse product, so it is added afterwards: the occupation and
    sector parts of every row from their own postings (as `text_scores` does, for two
    query rows), and the lift where the first halved exceeds the second: the rows
    sharing an ESCO occupation with the vacancy, a few percent of a roster.
    """
    if not floors_sector(index) or query.weights[_SECTOR] <= 0.0:
        return
    occupation, sector = (query.parts.getrow(i) for i in (_OCCUPATION, _SECTOR))
    if not occupation.nnz:
        return
    base_t, n = index.base_t, index.base_rows
    occupations = base_t[occupation.indices].T @ occupation.data
    sectors = base_t[sector.indices].T @ sector.data if sector.nnz else np.zeros(n, dtype=DTYPE)
    text[:n] += _gain(query, occupations, sectors)
    if index.n_rows > n:
        pending = np.asarray((index.pending_matrix() @ query.parts.T).todense(), dtype=DTYPE)
        text[n:] += sector_floor_gain(query, pending)


@dataclass(frozen=True)
class Fit:
    """Vectorised hard rules and structured fit of one vacancy over all rows."""

    eligible: NDArray[np.bool_]
    failures: list[tuple[str, NDArray[np.bool_]]]
    bonus: NDArray[np.float32]  # intercept + the structured signals' share of the logit
    experience: NDArray[np.float32]
    languages: NDArray[np.float32]
    availability: NDArray[np.float32]


def structured_fit(
    index: ProfileIndex,
    query: Query,
    rules: ProgrammeRules,
    today: date,
    rows: NDArray[np.int64] | None = None,
) -> Fit:
    """Eligibility, and what experience, languages and dates add to the logit.

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
    model = model_of(index.config)
    bonus = np.full(n, model.intercept, dtype=DTYPE)
    if index.config.use_structured_fit:
        for name, signal in zip(FIT_FEATURES, (exp, langs, avail), strict=True):
            bonus += np.float32(model.weight(name)) * signal
    return Fit(eligible, failures, bonus.astype(DTYPE), exp, langs, avail)


def max_bonus(index: ProfileIndex) -> float:
    """The largest `Fit.bonus` any row can get (structured signals lie in [0, 1])."""
    model = model_of(index.config)
    if not index.config.use_structured_fit:
        return model.intercept
    return model.intercept + sum(max(0.0, model.weight(name)) for name in FIT_FEATURES)


def squash(logit: NDArray[np.float32]) -> NDArray[np.float32]:
    """The score in (0, 1) of a logit."""
    return (1.0 / (1.0 + np.exp(-logit.astype(np.float64)))).astype(DTYPE)
