"""Experiments, not part of the engine: a change to the engine's signals, judged as
`make eval` judges the engine, beside the engine as shipped.

python bench/try_signals.py feedback [--block occupations|words|both] [--k 5]
                                     [--min-logit X] [--stack]
python bench/try_signals.py sector-floor --share S [--source occupation|occupation_sector]
python bench/try_signals.py interaction [--a words] [--b occupation] [--either-sign]

- feedback: pseudo-relevance feedback as one more learnt signal. For each vacancy a
  first pass (the engine's signals, weighted as fitted without the vacancy) picks its
  best K eligible people, those whose logit is at least --min-logit; every eligible
  person's feedback is the cosine between their row of the index (the ESCO occupation
  projection, the word TF-IDF, or both side by side) and the mean of those K rows:
  "like the people who best fit this vacancy". A second pairwise fit (as
  `learn.fit_weights`; the signal kept only if its weight is positive) combines it with
  the rest; with --stack the first pass's weights are kept and only the feedback's
  weight is fitted on top.
- sector-floor: the sector signal raised to at least S times another signal (the ESCO
  occupation agreement, or the ESCO occupations' sector agreement), so that a person
  whose occupation agrees with the vacancy counts as in its sector whatever the lexicon
  says; the weights refitted.
- interaction: the product of two parts as one more signal (words count as much as the
  occupation agrees), its weight kept positive as the text signals' are or, with
  --either-sign, free; the weights refitted.

Each prints, for the engine as shipped (weights refitted the same way) and with the change:
- cross-validated NDCG@10 / P@5 / R@20 on the dev set (5 folds over vacancies x 3
  shuffles; everything fitted on the training folds only);
- the same with each held-back fold's field unforeseen by the lexicon (as `make eval`);
- the five own hard-case files (right people in other words found in a top 10,
  look-alikes in a top 10, look-alikes above a right person), weights fitted on the
  whole dev set, counted above the shipped floor, with each vacancy's field known to
  the lexicon and unforeseen by it.

What the figures say, and what building a change would take, is in the README
(Quality, "Tried and not kept").
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_engine import DEFAULT_DATA, DEFAULT_HARD, RULES, TODAY, _count_hard_cases, _jsonl, dev_training_set

from matching.engine import Candidate, EngineConfig, ProfileIndex, learn, rank
from matching.engine.lexicon import lexicon_of
from matching.engine.model import FEATURES, TEXT_FEATURES, load_model
from matching.engine.records import profile_from_record, vacancy_from_record
from matching.engine.types import Profile, Vacancy

METRICS = ("ndcg@10", "p@5", "r@20")
Floats = NDArray[np.float64]
# Logits of one vacancy's eligible people from their signals, their index rows and the
# index's feedback space.
Scorer = Callable[[Floats, NDArray[np.int64], sp.csr_matrix], Floats]


def feedback_space(index: ProfileIndex, block: str) -> sp.csr_matrix:
    """Every row of the chosen block of the index's feature space, L2-normalised."""
    words = index.base[:, : index.n_words]
    off = index.occupation_offset
    occupations = index.base[:, off : off + index.n_occupations]
    m = {"words": words, "occupations": occupations, "both": sp.hstack([words, occupations])}[block]
    m = sp.csr_matrix(m, dtype=np.float64)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return sp.csr_matrix(sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ m)


class Signals:
    """The engine's signals of every eligible graded pair, with each pair's index row."""

    def __init__(
        self,
        profiles: Sequence[Profile],
        vacancies: Sequence[Vacancy],
        graded: dict[str, dict[str, int]],
        config: EngineConfig,
        block: str,
    ) -> None:
        index = ProfileIndex.build(profiles, replace(config, all_signals=True))
        self.space = feedback_space(index, block)
        X, grades, groups, rows = [], [], [], []
        for vac in vacancies:
            judged = graded[vac.id]
            for c in rank(index, vac, rules=RULES, today=TODAY, top_k=len(index), only_ids=set(judged)):
                X.append([c.parts.get(f, 0.0) for f in FEATURES])
                grades.append(judged[c.profile_id])
                groups.append(vac.id)
                rows.append(index.rows[c.profile_id])
        self.X = np.asarray(X)
        self.grades = np.asarray(grades)
        self.groups = np.asarray(groups)
        self.rows = np.asarray(rows, dtype=np.int64)
        self.pairs = learn.PairSet(self.X, self.grades, self.groups, {v.id: graded[v.id] for v in vacancies})

    def logits(self, scorer: Scorer) -> Floats:
        """`scorer`'s logits of every pair, one vacancy at a time."""
        out = np.zeros(len(self.grades))
        for vac in np.unique(self.groups):
            mask = self.groups == vac
            out[mask] = scorer(self.X[mask], self.rows[mask], self.space)
        return out


# A change to try: fitted on the pairs of `Signals` under a mask, it gives a scorer.
Variant = Callable[[Signals, NDArray[np.bool_]], Scorer]


def shipped(s: Signals, train: NDArray[np.bool_]) -> Scorer:
    """The engine as shipped: its signals, weights fitted as `learn.fit_weights` fits them."""
    coef, b = learn.fit_weights(s.X[train], s.grades[train], s.groups[train])
    return lambda X, rows, space: X @ coef + b


def _fit_with_extra(
    X: Floats, grades: NDArray[np.int64], groups: NDArray[np.str_], either_sign: bool = False
) -> tuple[Floats, float]:
    """`learn.fit_weights` with one more text signal in the last column (its weight kept
    positive as theirs are, unless `either_sign`)."""
    text = [i for i, f in enumerate(FEATURES) if f in TEXT_FEATURES] + ([] if either_sign else [len(FEATURES)])
    keep = [i for i in range(X.shape[1]) if np.ptp(X[:, i]) > 0]
    coef = learn._fit_pairwise(X, grades, groups, keep)
    while negative := [i for i in keep if i in text and coef[i] < 0]:
        keep = [i for i in keep if i not in negative]
        coef = learn._fit_pairwise(X, grades, groups, keep)
    return learn._calibrated(coef, X, grades)


def _feedback(space: sp.csr_matrix, rows: NDArray[np.int64], first: Floats, k: int, min_logit: float) -> Floats:
    """The feedback signal of one vacancy's eligible people (`rows`), from first-pass logits."""
    best = np.argsort(-first, kind="stable")[:k]
    best = best[first[best] >= min_logit]
    if not len(best):
        return np.zeros(len(rows))
    centroid = np.asarray(space[rows[best]].mean(axis=0)).ravel()
    norm = float(np.linalg.norm(centroid)) or 1.0
    return np.asarray(space[rows] @ (centroid / norm)).ravel()


def feedback(k: int, min_logit: float, stack: bool) -> Variant:
    def fit(s: Signals, train: NDArray[np.bool_]) -> Scorer:
        coef, b = learn.fit_weights(s.X[train], s.grades[train], s.groups[train])

        def with_feedback(X: Floats, rows: NDArray[np.int64], space: sp.csr_matrix) -> Floats:
            first = X @ coef + b
            return np.c_[X, _feedback(space, rows, first, k, min_logit)]

        X2 = np.zeros((len(s.grades), len(FEATURES) + 1))
        for vac in np.unique(s.groups):
            mask = s.groups == vac
            X2[mask] = with_feedback(s.X[mask], s.rows[mask], s.space)
        if stack:
            # Two signals: the first pass's logit and the feedback, fitted pairwise as the rest.
            Z = np.c_[X2[:, :-1] @ coef + b, X2[:, -1]]
            w = learn._fit_pairwise(Z[train], s.grades[train], s.groups[train], [0, 1])
            coef2, b2 = learn._calibrated(np.r_[coef * w[0], max(w[1], 0.0)], X2[train], s.grades[train])
        else:
            coef2, b2 = _fit_with_extra(X2[train], s.grades[train], s.groups[train])
        if train.all():
            names = (*FEATURES, "feedback")
            print("  weights with feedback:", {f: round(float(c), 2) for f, c in zip(names, coef2, strict=True)})
        return lambda X, rows, space: with_feedback(X, rows, space) @ coef2 + b2

    return fit


def sector_floor(share: float, source: str) -> Variant:
    sector, other = FEATURES.index("sector"), FEATURES.index(source)

    def floored(X: Floats) -> Floats:
        out = X.copy()
        out[:, sector] = np.maximum(X[:, sector], share * X[:, other])
        return out

    def fit(s: Signals, train: NDArray[np.bool_]) -> Scorer:
        coef, b = learn.fit_weights(floored(s.X)[train], s.grades[train], s.groups[train])
        return lambda X, rows, space: floored(X) @ coef + b

    return fit


def interaction(a: str, b: str, either_sign: bool) -> Variant:
    """One more signal: the product of two parts (`a` counts as much as `b` agrees), its
    weight positive or, with `either_sign`, of either sign."""
    i, j = FEATURES.index(a), FEATURES.index(b)

    def with_product(X: Floats) -> Floats:
        return np.c_[X, X[:, i] * X[:, j]]

    def fit(s: Signals, train: NDArray[np.bool_]) -> Scorer:
        X2 = with_product(s.X)
        coef, b0 = _fit_with_extra(X2[train], s.grades[train], s.groups[train], either_sign)
        if train.all():
            names = (*FEATURES, f"{a}*{b}")
            print("  weights with the product:", {f: round(float(c), 2) for f, c in zip(names, coef, strict=True)})
        return lambda X, rows, space: with_product(X) @ coef + b0

    return fit


def _mean(runs: list[dict[str, float]]) -> str:
    return " / ".join(f"{np.mean([r[m] for r in runs]):.4f} ±{np.ptp([r[m] for r in runs]) / 2:.3f}" for m in METRICS)


def cross_validated(
    dev_profiles: Sequence[Profile], s: Signals, graded, by_id, variants: dict[str, Variant], block: str
):
    """Held-back figures of each variant, with the lexicon knowing each fold's field and not."""
    lexicon = lexicon_of(EngineConfig())
    vacancies = sorted(graded)
    runs: dict[str, list[dict[str, float]]] = {}
    for seed in learn.SEEDS:
        held = {name: np.zeros(len(s.grades)) for name in variants}
        blind = {name: dict.fromkeys(METRICS, 0.0) for name in variants}
        for fold in learn.folds(vacancies, learn.FOLDS, seed):
            test = np.isin(s.groups, fold)
            lex = None if lexicon is None else learn.unforeseen(lexicon, [by_id[v] for v in fold])
            t = Signals(dev_profiles, [by_id[v] for v in fold], graded, EngineConfig(lexicon=lex), block)
            for name, variant in variants.items():
                scorer = variant(s, ~test)
                held[name][test] = s.logits(scorer)[test]
                for m, value in learn.metrics(t.pairs, t.logits(scorer)).items():
                    blind[name][m] += value * len(fold) / len(vacancies)
        for name in variants:
            runs.setdefault(f"{name}, field known", []).append(learn.metrics(s.pairs, held[name]))
            runs.setdefault(f"{name}, field unforeseen", []).append(blind[name])
    return runs


# How a variant lists one vacancy's people above the floor, best first, from an index of
# the dev roster and a file's people: (index, the variant's name, vacancy) -> ids.
FileRanking = Callable[[ProfileIndex, str, Vacancy], list[str]]


def above_floor(cands: Sequence[Candidate], logit: Floats) -> list[str]:
    """The ids of the candidates whose logit clears the shipped floor, best first."""
    above = 1.0 / (1.0 + np.exp(-logit)) >= load_model().floor
    return [cands[i].profile_id for i in np.argsort(-logit, kind="stable") if above[i]]


def count_files(dev_profiles: Sequence[Profile], ranking: FileRanking, names: Sequence[str]) -> dict[str, list[int]]:
    """The five files' three counts (right people found, look-alikes in a top 10, above a
    right person) for each named variant, each vacancy's field known and unforeseen."""
    lexicon = lexicon_of(EngineConfig())
    totals = {f"{name}, {field}": [0, 0, 0] for name in names for field in ("known", "unforeseen")}
    for path in DEFAULT_HARD:
        cases = _jsonl(path)
        people = [profile_from_record(r) for c in cases for r in (*c["other_words"], *c["lookalikes"])]
        known = ProfileIndex.build([*dev_profiles, *people], EngineConfig(all_signals=True))
        for case in cases:
            vac = vacancy_from_record(case["vacancy"])
            lex = None if lexicon is None else learn.unforeseen(lexicon, [vac])
            blind = ProfileIndex.build([*dev_profiles, *people], EngineConfig(all_signals=True, lexicon=lex))
            for field, index in (("known", known), ("unforeseen", blind)):
                for name in names:
                    h = _count_hard_cases(partial(ranking, index, name), [case])
                    counts = (h["found"], h["lookalikes_top10"], h["lookalikes_above_a_right_person"])
                    for i, (got, _) in enumerate(counts):
                        totals[f"{name}, {field}"][i] += got
    return totals


def hard_case_files(dev_profiles: Sequence[Profile], scorers: dict[str, Scorer], block: str) -> dict[str, list[int]]:
    """`count_files` for each scorer."""

    def ranking(index: ProfileIndex, name: str, vac: Vacancy) -> list[str]:
        cands = rank(index, vac, rules=RULES, today=TODAY, top_k=len(index))
        X = np.asarray([[c.parts.get(f, 0.0) for f in FEATURES] for c in cands]).reshape(-1, len(FEATURES))
        rows = np.asarray([index.rows[c.profile_id] for c in cands], dtype=np.int64)
        return above_floor(cands, scorers[name](X, rows, feedback_space(index, block)))

    return count_files(dev_profiles, ranking, list(scorers))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="change", required=True)
    fb = sub.add_parser("feedback", help="pseudo-relevance feedback as one more signal")
    fb.add_argument("--block", choices=("occupations", "words", "both"), default="occupations")
    fb.add_argument("--k", type=int, default=5)
    fb.add_argument("--min-logit", type=float, default=float("-inf"))
    fb.add_argument("--stack", action="store_true", help="fit only the feedback's weight on the first pass")
    sf = sub.add_parser("sector-floor", help="the sector at least a share of another signal")
    sf.add_argument("--share", type=float, required=True)
    sf.add_argument("--source", choices=("occupation", "occupation_sector"), default="occupation")
    ia = sub.add_parser("interaction", help="the product of two parts as one more signal")
    ia.add_argument("--a", choices=FEATURES, default="words")
    ia.add_argument("--b", choices=FEATURES, default="occupation")
    ia.add_argument("--either-sign", action="store_true", help="let the product's weight be negative")
    args = ap.parse_args()
    block = getattr(args, "block", "occupations")
    if args.change == "feedback":
        change = feedback(args.k, args.min_logit, args.stack)
        print(f"feedback from the best {args.k} (logit >= {args.min_logit}) in the {block} space, stack={args.stack}")
    elif args.change == "interaction":
        change = interaction(args.a, args.b, args.either_sign)
        print(f"one more signal: {args.a} x {args.b}, either sign: {args.either_sign}")
    else:
        change = sector_floor(args.share, args.source)
        print(f"sector at least {args.share} x {args.source}")
    variants: dict[str, Variant] = {"shipped": shipped, "changed": change}

    dev = dev_training_set(DEFAULT_DATA)
    graded: dict[str, dict[str, int]] = {}
    for g in dev.pairs:
        graded.setdefault(g.vacancy_id, {})[g.profile_id] = g.grade
    s = Signals(dev.profiles, dev.vacancies, graded, EngineConfig(), block)
    runs = cross_validated(dev.profiles, s, graded, {v.id: v for v in dev.vacancies}, variants, block)
    print("cross-validated NDCG@10 / P@5 / R@20 (± half the spread over shuffles):")
    for name, figures in runs.items():
        print(f"  {name:28s} {_mean(figures)}")

    everyone = np.ones(len(s.grades), dtype=bool)
    print("fitted on the whole dev set:")
    scorers = {name: variant(s, everyone) for name, variant in variants.items()}
    print("five hard-case files (right people found /92, look-alikes in a top 10 /98, above a right person /98):")
    for name, (found, top10, above) in hard_case_files(dev.profiles, scorers, block).items():
        print(f"  {name:28s} {found}, {top10}, {above}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
