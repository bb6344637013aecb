"""Learn how the engine's signals combine, from graded pairs, judged on held-back vacancies.

A graded pair is (vacancy, volunteer, grade 0-3) as roster-format.md grades them: the
dev set's qrels today, managers' and volunteers' recorded outcomes later. For every
eligible graded pair the engine's signals (`model.FEATURES`) are computed once; a
pairwise logistic regression (within each vacancy, a person graded 2-3 against one graded
lower, weighted by the NDCG gain between the grades) gives the weights, and a one-feature
logistic fit on "grade >= 2" turns the weighted sum into a probability.
Every figure is cross-validated over vacancies: the weights that score a vacancy were
fitted without any pair of it. The bands and the floor are calibrated on those
held-back scores too. No Django here.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression

from matching.engine.index import ProfileIndex
from matching.engine.lexicon import Lexicon, lexicon_of
from matching.engine.model import BANDS, FEATURES, NO_EVIDENCE, TEXT_FEATURES, RankerModel
from matching.engine.ranking import rank
from matching.engine.text import tokenize
from matching.engine.types import EngineConfig, Profile, ProgrammeRules, Vacancy

C = 1.0  # inverse regularisation of the pairwise fit; chosen by cross-validation over vacancies
CALIBRATION_C = 100.0  # the calibration has two parameters and thousands of pairs: barely regularised
GAIN = {0: 0, 1: 1, 2: 3, 3: 7}  # 2**grade - 1, as NDCG counts a grade
POSITIVE_GRADES = (2, 3)  # pairs are formed from people who do the work against the rest
FOLDS = 5
SEEDS = (0, 1, 2)
STRONG_SHARE = 0.5  # "strong": at least half the pairs at this score or above were graded 3
GOOD_SHARE = 0.5  # "good": at least half were graded 2 or 3
# The floor keeps this share of the grade >= 2 pairs above it. 0.99 was tried (README,
# Quality: "A floor keeping 99% instead"): it let in people whose only reasons were their
# languages and years of experience.
FLOOR_RECALL = 0.98


@dataclass(frozen=True)
class GradedPair:
    """A manager's (or the dev set's) grade of one volunteer for one vacancy."""

    vacancy_id: str
    profile_id: str
    grade: int


@dataclass(frozen=True)
class TrainingSet:
    """Profiles, vacancies and graded pairs over them."""

    profiles: Sequence[Profile]
    vacancies: Sequence[Vacancy]
    pairs: Sequence[GradedPair]

    def merged(self, other: TrainingSet) -> TrainingSet:
        """Both sets; a later grade of the same pair replaces an earlier one."""
        profiles = {p.id: p for p in (*self.profiles, *other.profiles)}
        vacancies = {v.id: v for v in (*self.vacancies, *other.vacancies)}
        pairs = {(g.vacancy_id, g.profile_id): g for g in (*self.pairs, *other.pairs)}
        return TrainingSet(list(profiles.values()), list(vacancies.values()), list(pairs.values()))


@dataclass(frozen=True)
class PairSet:
    """The signals of every eligible graded pair, and the grades of all graded pairs."""

    X: NDArray[np.float64]
    grades: NDArray[np.int64]
    groups: NDArray[np.str_]  # vacancy id of each row
    all_grades: Mapping[str, Mapping[str, int]]  # vacancy -> volunteer -> grade (eligible or not)

    def subset(self, vacancies: Iterable[str]) -> NDArray[np.bool_]:
        return np.isin(self.groups, list(vacancies))


def pair_signals(
    data: TrainingSet,
    *,
    config: EngineConfig | None = None,
    rules: ProgrammeRules = ProgrammeRules(),  # noqa: B008 - frozen, safe as default
    today: date,
) -> PairSet:
    """The engine's signals for every eligible graded pair (ineligible ones are never ranked)."""
    index = ProfileIndex.build(data.profiles, replace(config or EngineConfig(), all_signals=True))
    graded: dict[str, dict[str, int]] = defaultdict(dict)
    for g in data.pairs:
        graded[g.vacancy_id][g.profile_id] = g.grade
    rows: list[list[float]] = []
    grades: list[int] = []
    groups: list[str] = []
    for vacancy in data.vacancies:
        judged = graded.get(vacancy.id)
        if not judged:
            continue
        cands = rank(index, vacancy, rules=rules, today=today, top_k=len(index), only_ids=set(judged))
        for c in cands:
            rows.append([float(c.parts.get(f, 0.0)) for f in FEATURES])
            grades.append(judged[c.profile_id])
            groups.append(vacancy.id)
    return PairSet(
        np.asarray(rows, dtype=np.float64).reshape(-1, len(FEATURES)),
        np.asarray(grades, dtype=np.int64),
        np.asarray(groups),
        {v: dict(j) for v, j in graded.items()},
    )


def _pair_differences(
    X: NDArray[np.float64], grades: NDArray[np.int64], groups: NDArray[np.str_]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Signal differences (better - worse) of every pair of volunteers graded for the same
    vacancy where the better one is a grade 2-3 (does the work) and the other is graded
    lower, each weighted by the gain in NDCG between the two grades."""
    diffs: list[NDArray[np.float64]] = []
    gains: list[NDArray[np.float64]] = []
    for vacancy in np.unique(groups):
        rows = np.flatnonzero(groups == vacancy)
        own = grades[rows]
        for better in POSITIVE_GRADES:
            top = X[rows[own == better]]
            for worse in range(better):
                low = X[rows[own == worse]]
                if len(top) and len(low):
                    diffs.append((top[:, None, :] - low[None, :, :]).reshape(-1, X.shape[1]))
                    gains.append(np.full(len(top) * len(low), GAIN[better] - GAIN[worse], dtype=np.float64))
    if not diffs:
        return np.zeros((0, X.shape[1])), np.zeros(0)
    return np.vstack(diffs), np.concatenate(gains)


def _fit_pairwise(
    X: NDArray[np.float64], grades: NDArray[np.int64], groups: NDArray[np.str_], keep: Sequence[int]
) -> NDArray[np.float64]:
    """Weights that order, within each vacancy, the people who do the work above the rest."""
    diffs, gains = _pair_differences(X[:, keep], grades, groups)
    coef = np.zeros(X.shape[1])
    if not len(diffs):
        return coef
    # Both orders of every pair, so the two classes are balanced and no intercept is needed.
    both = np.vstack([diffs, -diffs])
    label = np.r_[np.ones(len(diffs)), np.zeros(len(diffs))]
    weight = np.r_[gains, gains] / gains.mean()
    lr = LogisticRegression(C=C, max_iter=5000, fit_intercept=False).fit(both, label, sample_weight=weight)
    coef[list(keep)] = lr.coef_[0]
    return coef


def _calibrated(
    coef: NDArray[np.float64], X: NDArray[np.float64], grades: NDArray[np.int64]
) -> tuple[NDArray[np.float64], float]:
    """Scale and intercept that turn the ranking score into the probability of grade >= 2."""
    score = X @ coef
    y = (grades >= 2).astype(int)
    if np.ptp(score) == 0 or len(set(y.tolist())) < 2:
        return coef, 0.0
    platt = LogisticRegression(C=CALIBRATION_C, max_iter=5000).fit(score[:, None], y)
    return coef * float(platt.coef_[0][0]), float(platt.intercept_[0])


def fit_weights(
    X: NDArray[np.float64], grades: NDArray[np.int64], groups: NDArray[np.str_] | None = None
) -> tuple[NDArray[np.float64], float]:
    """Weights fitted to order the pairs within each vacancy (`groups`: its id per row; one
    vacancy if None), then scaled into a probability of grade >= 2.

    Pairwise, not pointwise: a pointwise fit learns what separates all the grade-0 pairs of
    every vacancy from the rest, chiefly the sector, and leans on it; within a vacancy what
    counts is who does this work among the people of its sector. A text signal that comes
    out negative is dropped and the rest refitted, so that more evidence of the work never
    lowers a score.
    """
    groups = np.zeros(len(grades), dtype=str) if groups is None else groups
    keep = [i for i in range(X.shape[1]) if np.ptp(X[:, i]) > 0]
    coef = np.zeros(X.shape[1])
    for _ in range(len(FEATURES)):
        coef = _fit_pairwise(X, grades, groups, keep)
        negative = [i for i in keep if FEATURES[i] in TEXT_FEATURES and coef[i] < 0]
        if not negative:
            break
        keep = [i for i in keep if i not in negative]
    return _calibrated(coef, X, grades)


def logits(coef: NDArray[np.float64], intercept: float, X: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(X @ coef + intercept, dtype=np.float64)


def model_logits(model: RankerModel, X: NDArray[np.float64]) -> NDArray[np.float64]:
    coef = np.array([model.weight(f) for f in FEATURES])
    return logits(coef, model.intercept, X)


def metrics(pairs: PairSet, scores: NDArray[np.float64], vacancies: Iterable[str] | None = None) -> dict[str, float]:
    """NDCG@10, P@5 and R@20 as the dev set's evaluate.py computes them, averaged over vacancies.

    The ideal ordering and the recall denominator use every graded pair of the vacancy.
    """
    per: list[tuple[float, float, float]] = []
    for vac in sorted(set(pairs.groups.tolist()) if vacancies is None else vacancies):
        mask = pairs.groups == vac
        order = np.argsort(-scores[mask], kind="stable")
        got = pairs.grades[mask][order]
        judged = list(pairs.all_grades.get(vac, {}).values())
        ideal = sorted(judged, reverse=True)[:10]
        idcg = _dcg(ideal)
        relevant = sum(1 for g in judged if g >= 2)
        per.append(
            (
                _dcg(got[:10].tolist()) / idcg if idcg else 0.0,
                float(np.sum(got[:5] >= 2)) / 5,
                float(np.sum(got[:20] >= 2)) / relevant if relevant else 0.0,
            )
        )
    if not per:
        return {"ndcg@10": 0.0, "p@5": 0.0, "r@20": 0.0}
    arr = np.asarray(per)
    return {"ndcg@10": float(arr[:, 0].mean()), "p@5": float(arr[:, 1].mean()), "r@20": float(arr[:, 2].mean())}


def _dcg(grades: Sequence[int]) -> float:
    return float(sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades)))


def folds(vacancies: Sequence[str], k: int, seed: int) -> list[list[str]]:
    """k folds of vacancies, shuffled by `seed`."""
    order = sorted(vacancies)
    np.random.RandomState(seed).shuffle(order)
    return [order[i::k] for i in range(k) if order[i::k]]


@dataclass(frozen=True)
class CrossValidation:
    """Held-back figures: mean and spread over seeds of the k-fold split over vacancies."""

    mean: dict[str, float]
    spread: dict[str, float]  # max - min over seeds
    held_back_logits: NDArray[np.float64]  # of the first seed, for calibration
    grades: NDArray[np.int64]  # of the same pairs


def cross_validate(pairs: PairSet, *, k: int = FOLDS, seeds: Sequence[int] = SEEDS) -> CrossValidation:
    """Fit on k-1 folds of vacancies, score the held-back fold; repeated for each seed."""
    vacancies = sorted(set(pairs.groups.tolist()))
    runs: list[dict[str, float]] = []
    first: NDArray[np.float64] | None = None
    for seed in seeds:
        held = np.zeros(len(pairs.grades))
        for fold in folds(vacancies, min(k, len(vacancies)), seed):
            test = pairs.subset(fold)
            coef, intercept = fit_weights(pairs.X[~test], pairs.grades[~test], pairs.groups[~test])
            held[test] = logits(coef, intercept, pairs.X[test])
        runs.append(metrics(pairs, held))
        if first is None:
            first = held
    return _over_seeds(runs, first if first is not None else np.zeros(0), pairs.grades)


def _over_seeds(
    runs: Sequence[Mapping[str, float]],
    held_back_logits: NDArray[np.float64],
    grades: NDArray[np.int64],
) -> CrossValidation:
    """The mean of each figure over the shuffles, and its spread (max - min)."""
    return CrossValidation(
        {m: float(np.mean([r[m] for r in runs])) for m in runs[0]},
        {m: float(np.ptp([r[m] for r in runs])) for m in runs[0]},
        held_back_logits,
        grades,
    )


def unforeseen(lexicon: Lexicon, vacancies: Iterable[Vacancy]) -> Lexicon:
    """The lexicon without the concepts the vacancies' titles and skills name (their sector
    words kept): as if its authors had not foreseen the field of these vacancies, so that
    their people are found only by what does not come from the lexicon."""
    named: set[int] = set()
    for vacancy in vacancies:
        for text in (vacancy.title, *vacancy.required_skills, *vacancy.preferred_skills):
            named.update(ci for m in lexicon.match(tokenize(text)) for ci in m.concepts)
    return lexicon.without(ci for ci in named if lexicon.concepts[ci].kind != "sector")


def cross_validate_unforeseen(
    data: TrainingSet,
    pairs: PairSet,
    *,
    config: EngineConfig | None = None,
    rules: ProgrammeRules = ProgrammeRules(),  # noqa: B008 - frozen, safe as default
    today: date,
    k: int = FOLDS,
    seeds: Sequence[int] = SEEDS,
) -> CrossValidation:
    """`cross_validate`, but each held-back fold is scored with `unforeseen(lexicon, its
    vacancies)`, the weights fitted on the other folds with the whole lexicon (`pairs`), as
    the shipped model is. The dev set's words are all in the lexicon; a roster written by
    others is not: this is the figure for the words nobody typed in."""
    config = config or EngineConfig()
    lexicon = lexicon_of(config)
    vacancies = {v.id: v for v in data.vacancies if v.id in pairs.all_grades}
    runs: list[dict[str, float]] = []
    for seed in seeds:
        total = dict.fromkeys(("ndcg@10", "p@5", "r@20"), 0.0)
        for fold in folds(sorted(vacancies), min(k, len(vacancies)), seed):
            train = ~pairs.subset(fold)
            coef, intercept = fit_weights(pairs.X[train], pairs.grades[train], pairs.groups[train])
            held = [vacancies[v] for v in fold]
            blind = config if lexicon is None else replace(config, lexicon=unforeseen(lexicon, held))
            wanted = set(fold)
            part = TrainingSet(data.profiles, held, [g for g in data.pairs if g.vacancy_id in wanted])
            test = pair_signals(part, config=blind, rules=rules, today=today)
            for name, value in metrics(test, logits(coef, intercept, test.X)).items():
                total[name] += value * len(fold)
        runs.append({name: value / len(vacancies) for name, value in total.items()})
    return _over_seeds(runs, np.zeros(0), np.zeros(0, dtype=np.int64))


def compare_held_back(
    pairs: PairSet, current: RankerModel, *, k: int = FOLDS, seeds: Sequence[int] = SEEDS
) -> tuple[float, float]:
    """(new, current) NDCG@10 on held-back vacancies: a model refitted without each fold
    against the current model's fixed weights on the same fold."""
    vacancies = sorted(set(pairs.groups.tolist()))
    new_runs, cur_runs = [], []
    cur = model_logits(current, pairs.X)
    for seed in seeds:
        held = np.zeros(len(pairs.grades))
        for fold in folds(vacancies, min(k, len(vacancies)), seed):
            test = pairs.subset(fold)
            coef, intercept = fit_weights(pairs.X[~test], pairs.grades[~test], pairs.groups[~test])
            held[test] = logits(coef, intercept, pairs.X[test])
        new_runs.append(metrics(pairs, held)["ndcg@10"])
        cur_runs.append(metrics(pairs, cur)["ndcg@10"])
    return float(np.mean(new_runs)), float(np.mean(cur_runs))


def calibrate(scores: NDArray[np.float64], grades: NDArray[np.int64]) -> tuple[float, float, float]:
    """(floor, good, strong) thresholds on scores in (0, 1), from held-back scores.

    strong: the lowest score at which, from the top down, at least half the pairs are
    grade 3; good: the lowest score at which at least half the pairs between it and
    strong are grade 2 or 3 (the band itself, not the strong pairs above it, must be
    mostly good; it may be empty); floor: all but 2% of the grade >= 2 pairs lie above it.
    """
    order = np.argsort(-scores, kind="stable")
    s, g = scores[order], grades[order]

    def lowest(hits: NDArray[np.bool_], need: float, start: int = 0) -> float:
        share = np.cumsum(hits[start:]) / np.arange(1, len(hits) - start + 1)
        ok = np.flatnonzero(share >= need)
        return float(s[start + ok[-1]]) if len(ok) else float(s[max(start - 1, 0)])

    strong = lowest(g >= 3, STRONG_SHARE)
    below = int(np.searchsorted(-s, -strong, side="right"))  # first pair under strong
    good = min(lowest(g >= 2, GOOD_SHARE, below), strong) if below < len(s) else strong
    relevant = np.sort(scores[grades >= 2])
    floor = float(relevant[int((1.0 - FLOOR_RECALL) * len(relevant))]) if len(relevant) else 0.0
    return min(floor, good), good, strong


def _sigmoid(z: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)


def stored_threshold(score: float) -> float:
    """A calibrated threshold as a model file keeps it: 6 decimals, rounded down, as it is
    the score of a pair, which must stay at or above it (rounded to nearest, the floor
    could leave one more of the people who do the work below it)."""
    return math.floor(score * 1e6) / 1e6


def _calibration(pairs: PairSet) -> tuple[CrossValidation, dict[str, Any]]:
    """The cross-validated figures and the model fields they give: the thresholds
    calibrated on held-back scores, and the figures themselves as its metrics."""
    cv = cross_validate(pairs)
    floor, good, strong = calibrate(_sigmoid(cv.held_back_logits), pairs.grades)
    fields = {
        "floor": stored_threshold(floor),
        "strong": stored_threshold(strong),
        "good": stored_threshold(good),
        "metrics": {f"cv_{m}": round(v, 4) for m, v in cv.mean.items()},
    }
    return cv, fields


def train(pairs: PairSet, *, version: int, trained_on: str) -> tuple[RankerModel, CrossValidation]:
    """A model fitted on every pair, with thresholds calibrated on held-back scores."""
    cv, calibrated = _calibration(pairs)
    coef, intercept = fit_weights(pairs.X, pairs.grades, pairs.groups)
    model = RankerModel(
        version=version,
        coef={f: round(float(c), 6) for f, c in zip(FEATURES, coef, strict=True)},
        intercept=round(intercept, 6),
        trained_on=trained_on,
        **calibrated,
    )
    return model, cv


def with_model(config: EngineConfig | None, model: RankerModel) -> EngineConfig:
    """`config` scoring with `model`."""
    return replace(config or EngineConfig(), model=model)


@dataclass(frozen=True)
class Retrained:
    """The outcome of a refit: the candidate model and both held-back figures."""

    model: RankerModel
    new_ndcg: float  # the refitted weights, each vacancy scored by weights fitted without it
    current_ndcg: float  # the current model on the same vacancies
    cross_validated: CrossValidation

    @property
    def better(self) -> bool:
        return self.new_ndcg > self.current_ndcg


def retrain(
    data: TrainingSet,
    current: RankerModel,
    *,
    trained_on: str,
    config: EngineConfig | None = None,
    rules: ProgrammeRules = ProgrammeRules(),  # noqa: B008 - frozen, safe as default
    today: date,
) -> Retrained:
    """Refit the weights on `data` and judge them against `current` on held-back vacancies.

    The current model's figure is computed on the same vacancies; if it was fitted on
    them, it is flattered, so a new model must clearly do better to win.
    """
    config = with_model(config, current)
    pairs = pair_signals(data, config=config, rules=rules, today=today)
    new, cur = compare_held_back(pairs, current)
    model, cv = train(pairs, version=current.version + 1, trained_on=trained_on)
    return Retrained(model, new, cur, cv)


def recalibrate(
    data: TrainingSet,
    current: RankerModel,
    *,
    trained_on: str,
    config: EngineConfig | None = None,
    rules: ProgrammeRules = ProgrammeRules(),  # noqa: B008 - frozen, safe as default
    today: date,
) -> tuple[RankerModel, CrossValidation]:
    """The current weights with the floor and bands calibrated afresh, as `train` calibrates
    them: on held-back scores of `data` (each vacancy scored by weights fitted without it).

    For a change of what the thresholds mean (`FLOOR_RECALL`, `STRONG_SHARE`, `GOOD_SHARE`)
    while the graded pairs stay the same: a refit would give the same weights and could not
    beat the current model's figure, which was fitted on those pairs.
    """
    pairs = pair_signals(data, config=with_model(config, current), rules=rules, today=today)
    cv, calibrated = _calibration(pairs)
    model = replace(
        current,
        version=current.version + 1,
        trained_on=f"{current.trained_on}; thresholds recalibrated on "
        + ("the same pairs" if trained_on == current.trained_on else trained_on),
        **calibrated,
    )
    return model, cv


def band_shares(model: RankerModel, cv: CrossValidation) -> dict[str, tuple[int, dict[int, int]]]:
    """How many held-back pairs each band of `model` holds, and how many of each grade:
    what "strong", "good", "partial" and below the floor ("none") mean on graded pairs.
    By score alone, as the thresholds are calibrated: the pairs without a same-skill
    reason that a shortlist shows as "good" rather than "strong" are counted as strong."""
    out: dict[str, tuple[int, dict[int, int]]] = {}
    scores = _sigmoid(cv.held_back_logits).tolist()
    for band in (*BANDS, NO_EVIDENCE):
        grades = [g for s, g in zip(scores, cv.grades.tolist(), strict=True) if model.band(s, same_skill=True) == band]
        out[band] = (len(grades), {grade: grades.count(grade) for grade in range(4)})
    return out


def training_set(profiles: Iterable[Profile], vacancies: Iterable[Vacancy], pairs: Iterable[GradedPair]) -> TrainingSet:
    """A TrainingSet from any iterables (recorded outcomes, a roster directory)."""
    return TrainingSet(list(profiles), list(vacancies), list(pairs))
