"""An experiment, not part of the engine: pseudo-relevance feedback as one more learnt signal.

python bench/try_feedback.py [--block occupations|words|both] [--k 5] [--min-logit X]

For each vacancy a first pass (the engine's signals, weighted as fitted without the
vacancy) picks its best K eligible people, those whose logit is at least --min-logit;
the feedback signal of every eligible person is then the cosine between their row of
the index (the ESCO occupation projection, the word TF-IDF, or both side by side) and
the mean of those K rows: "like the people who best fit this vacancy". A second
pairwise fit (as `learn.fit_weights`, the new signal kept only if its weight is
positive) combines it with the rest. Prints, for the engine without and with it:

- cross-validated NDCG@10 / P@5 / R@20 on the dev set (5 folds over vacancies x 3
  shuffles; both passes fitted on the training folds only);
- the same with each held-back fold's field unforeseen by the lexicon (as `make eval`);
- the five own hard-case files (right people in other words found in a top 10,
  look-alikes in a top 10, look-alikes above a right person), weights fitted on the
  whole dev set, counted above the shipped floor, with each vacancy's field known to
  the lexicon and unforeseen by it.

What it would take in the engine is in the README (Quality, "Tried and not kept").
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_engine import DEFAULT_DATA, DEFAULT_HARD, RULES, TODAY, _count_hard_cases, _jsonl, dev_training_set

from matching.engine import EngineConfig, ProfileIndex, learn, rank
from matching.engine.lexicon import lexicon_of
from matching.engine.model import FEATURES, TEXT_FEATURES, load_model
from matching.engine.records import profile_from_record, vacancy_from_record
from matching.engine.types import Profile, Vacancy

METRICS = ("ndcg@10", "p@5", "r@20")


def feedback_space(index: ProfileIndex, block: str) -> sp.csr_matrix:
    """Every row of the chosen block of the index's feature space, L2-normalised."""
    words = index.base[:, : index.n_words]
    off = index.occupation_offset
    occupations = index.base[:, off : off + index.n_occupations]
    m = {"words": words, "occupations": occupations, "both": sp.hstack([words, occupations])}[block]
    m = sp.csr_matrix(m, dtype=np.float64)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return sp.csr_matrix(sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ m)


def feedback(space: sp.csr_matrix, rows: NDArray[np.int64], first: NDArray[np.float64], k: int, min_logit: float):
    """The feedback signal of one vacancy's eligible people (`rows`), from first-pass logits."""
    best = np.argsort(-first, kind="stable")[:k]
    best = best[first[best] >= min_logit]
    if not len(best):
        return np.zeros(len(rows))
    centroid = np.asarray(space[rows[best]].mean(axis=0)).ravel()
    norm = float(np.linalg.norm(centroid)) or 1.0
    return np.asarray(space[rows] @ (centroid / norm)).ravel()


class Signals:
    """The engine's signals of every eligible graded pair, with each pair's index row."""

    def __init__(self, profiles: Sequence[Profile], vacancies: Sequence[Vacancy], graded, config, block: str):
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
        self.rows = np.asarray(rows)
        self.pairs = learn.PairSet(self.X, self.grades, self.groups, {v.id: graded[v.id] for v in vacancies})

    def with_feedback(self, coef, intercept, k: int, min_logit: float) -> NDArray[np.float64]:
        first = self.X @ coef + intercept
        column = np.zeros(len(self.grades))
        for vac in np.unique(self.groups):
            mask = self.groups == vac
            column[mask] = feedback(self.space, self.rows[mask], first[mask], k, min_logit)
        return np.c_[self.X, column]


STACK = False  # --stack: keep the first pass's weights, fit only the feedback's on top


def fit_with_feedback(X, grades, groups, coef=None, intercept=0.0):
    """`learn.fit_weights` with the feedback signal as one more text signal (last column)."""
    if STACK and coef is not None:
        # two signals: the first pass's logit and the feedback; pairwise as the rest
        Z = np.c_[X[:, :-1] @ coef + intercept, X[:, -1]]
        w = learn._fit_pairwise(Z, grades, groups, [0, 1])
        w[1] = max(w[1], 0.0)
        full = np.r_[coef * w[0], w[1]]
        return learn._calibrated(full, X, grades)
    text = [i for i, f in enumerate(FEATURES) if f in TEXT_FEATURES] + [len(FEATURES)]
    keep = [i for i in range(X.shape[1]) if np.ptp(X[:, i]) > 0]
    coef = learn._fit_pairwise(X, grades, groups, keep)
    while negative := [i for i in keep if i in text and coef[i] < 0]:
        keep = [i for i in keep if i not in negative]
        coef = learn._fit_pairwise(X, grades, groups, keep)
    return learn._calibrated(coef, X, grades)


def _mean(runs: list[dict[str, float]]) -> str:
    return " / ".join(f"{np.mean([r[m] for r in runs]):.4f} ±{np.ptp([r[m] for r in runs]) / 2:.3f}" for m in METRICS)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--block", choices=("occupations", "words", "both"), default="occupations")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--min-logit", type=float, default=float("-inf"))
    ap.add_argument("--stack", action="store_true", help="fit only the feedback's weight on the first pass")
    args = ap.parse_args()
    global STACK
    STACK = args.stack
    k, min_logit = args.k, args.min_logit
    dev = dev_training_set(DEFAULT_DATA)
    graded: dict[str, dict[str, int]] = {}
    for g in dev.pairs:
        graded.setdefault(g.vacancy_id, {})[g.profile_id] = g.grade
    config = EngineConfig()
    s = Signals(dev.profiles, dev.vacancies, graded, config, args.block)
    vacancies = sorted(graded)
    by_id = {v.id: v for v in dev.vacancies}
    lexicon = lexicon_of(config)
    runs: dict[str, list[dict[str, float]]] = {"known": [], "known+fb": [], "unforeseen": [], "unforeseen+fb": []}
    for seed in learn.SEEDS:
        held = {name: np.zeros(len(s.grades)) for name in ("known", "known+fb")}
        blind = {name: dict.fromkeys(METRICS, 0.0) for name in ("unforeseen", "unforeseen+fb")}
        for fold in learn.folds(vacancies, learn.FOLDS, seed):
            test = np.isin(s.groups, fold)
            coef, b = learn.fit_weights(s.X[~test], s.grades[~test], s.groups[~test])
            X2 = s.with_feedback(coef, b, k, min_logit)
            coef2, b2 = fit_with_feedback(X2[~test], s.grades[~test], s.groups[~test], coef, b)
            held["known"][test] = s.X[test] @ coef + b
            held["known+fb"][test] = X2[test] @ coef2 + b2
            lex = None if lexicon is None else learn.unforeseen(lexicon, [by_id[v] for v in fold])
            t = Signals(dev.profiles, [by_id[v] for v in fold], graded, replace(config, lexicon=lex), args.block)
            for name, logit in (
                ("unforeseen", t.X @ coef + b),
                ("unforeseen+fb", t.with_feedback(coef, b, k, min_logit) @ coef2 + b2),
            ):
                for m, value in learn.metrics(t.pairs, logit).items():
                    blind[name][m] += value * len(fold) / len(vacancies)
        for name, logit in held.items():
            runs[name].append(learn.metrics(s.pairs, logit))
        for name, fold_figures in blind.items():
            runs[name].append(fold_figures)
    print(f"feedback from the best {k} (logit >= {min_logit}) in the {args.block} space")
    print("cross-validated NDCG@10 / P@5 / R@20 (± half the spread over shuffles):")
    for name, seed_figures in runs.items():
        print(f"  {name:15s} {_mean(seed_figures)}")

    coef, b = learn.fit_weights(s.X, s.grades, s.groups)
    coef2, b2 = fit_with_feedback(s.with_feedback(coef, b, k, min_logit), s.grades, s.groups, coef, b)
    print(
        "weights with feedback:", {f: round(float(c), 2) for f, c in zip((*FEATURES, "feedback"), coef2, strict=True)}
    )
    floor = load_model().floor

    def ranking(index: ProfileIndex, space: sp.csr_matrix, vac: Vacancy, *, with_feedback: bool) -> list[str]:
        cands = rank(index, vac, rules=RULES, today=TODAY, top_k=len(index))
        X = np.asarray([[c.parts.get(f, 0.0) for f in FEATURES] for c in cands]).reshape(-1, len(FEATURES))
        logit = X @ coef + b
        if with_feedback:
            rows = np.asarray([index.rows[c.profile_id] for c in cands], dtype=np.int64)
            logit = np.c_[X, feedback(space, rows, logit, k, min_logit)] @ coef2 + b2
        above = 1.0 / (1.0 + np.exp(-logit)) >= floor
        return [cands[i].profile_id for i in np.argsort(-logit, kind="stable") if above[i]]

    totals = {name: np.zeros(3, dtype=int) for name in ("known", "known+fb", "unforeseen", "unforeseen+fb")}
    for path in DEFAULT_HARD:
        cases = _jsonl(path)
        people = [profile_from_record(r) for c in cases for r in (*c["other_words"], *c["lookalikes"])]
        known = ProfileIndex.build([*dev.profiles, *people], replace(config, all_signals=True))
        known_space = feedback_space(known, args.block)
        for case in cases:
            vac = vacancy_from_record(case["vacancy"])
            lex = None if lexicon is None else learn.unforeseen(lexicon, [vac])
            unknown = ProfileIndex.build([*dev.profiles, *people], replace(config, all_signals=True, lexicon=lex))
            unknown_space = feedback_space(unknown, args.block)
            for name, index, space in (("known", known, known_space), ("unforeseen", unknown, unknown_space)):
                for suffix in ("", "+fb"):
                    h = _count_hard_cases(partial(ranking, index, space, with_feedback=bool(suffix)), [case])
                    totals[name + suffix] += [
                        h["found"][0],
                        h["lookalikes_top10"][0],
                        h["lookalikes_above_a_right_person"][0],
                    ]
    print("five hard-case files (right people found /92, look-alikes in a top 10 /98, above a right person /98):")
    for name, (found, top10, above) in totals.items():
        print(f"  {name:15s} {found}, {top10}, {above}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
