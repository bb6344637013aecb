"""What a band means with and without a same-skill reason, and whom the sector reason
names; prints its figures.

python bench/band_evidence.py

The bands are thresholds on the score, calibrated on the dev set's held-back pairs
(`manage.py train_ranker`): "strong" where at least half the pairs were graded 3,
"good" where at least half were graded 2 or 3. This counts, for the held-back scores
of each of the three shuffles `make eval` uses (5 folds over vacancies, the weights
fitted without the fold, the shipped thresholds), the pairs of each band by grade,
split by whether the engine's reasons hold a same-skill claim ("midwifery <- 'jordmor'")
or only related work, shared words, languages and years. Then the five hard-case
files' people (right people in other words, look-alikes) by band as shipped, split the
same way. The reasons do not depend on the weights, so each pair's claim is taken once.
Last, the dev pairs with no skill evidence at all (no same-skill or related reason) by
grade, split by whether the reasons say the person works in the vacancy's sector
(`explain.works_in_sector`: both sector parts at least SECTOR_REASON), and by what the
lexicon's sector part alone would say.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_engine import DEFAULT_DATA, DEFAULT_HARD, RULES, SAME_SKILL, TODAY, _jsonl, dev_training_set

from matching.engine import EngineConfig, ProfileIndex, learn, rank
from matching.engine.explain import SECTOR_REASON, works_in_sector
from matching.engine.model import BANDS, FEATURES, NO_EVIDENCE, load_model
from matching.engine.records import profile_from_record, vacancy_from_record


def _claims(reasons: list[str]) -> str:
    return "a same-skill reason" if any(SAME_SKILL in r for r in reasons) else "none"


def main() -> int:
    model = load_model()
    dev = dev_training_set(DEFAULT_DATA)
    graded: dict[str, dict[str, int]] = {}
    for pair in dev.pairs:
        graded.setdefault(pair.vacancy_id, {})[pair.profile_id] = pair.grade
    index = ProfileIndex.build(dev.profiles, EngineConfig(all_signals=True))
    X: list[list[float]] = []
    grades: list[int] = []
    groups: list[str] = []
    claims: list[str] = []
    no_evidence: Counter[tuple[str, bool, int]] = Counter()  # (rule, cited, grade)
    for vac in dev.vacancies:
        for c in rank(index, vac, rules=RULES, today=TODAY, top_k=len(index), only_ids=set(graded[vac.id])):
            grade = graded[vac.id][c.profile_id]
            X.append([c.parts.get(f, 0.0) for f in FEATURES])
            grades.append(grade)
            groups.append(vac.id)
            claims.append(_claims(c.reasons))
            if not any(SAME_SKILL in r or r.startswith("related to ") for r in c.reasons):
                no_evidence[("both sector parts", works_in_sector(c.parts), grade)] += 1
                no_evidence[("the lexicon's alone", c.parts["sector"] >= SECTOR_REASON, grade)] += 1
    Xa, ga, gr = np.asarray(X), np.asarray(grades), np.asarray(groups)
    print(f"dev held-back pairs by band of the score (thresholds of ranker_v{model.version}), grades 0 / 1 / 2 / 3:")
    for seed in learn.SEEDS:
        held = np.zeros(len(ga))
        for fold in learn.folds(sorted(graded), learn.FOLDS, seed):
            test = np.isin(gr, fold)
            coef, intercept = learn.fit_weights(Xa[~test], ga[~test], gr[~test])
            held[test] = Xa[test] @ coef + intercept
        score = 1.0 / (1.0 + np.exp(-held))
        table: Counter[tuple[str, str, int]] = Counter()
        for s, g, claim in zip(score.tolist(), grades, claims, strict=True):
            table[(model.band(s, same_skill=True), claim, g)] += 1
        print(f"  shuffle {seed}:")
        for band in BANDS:
            for claim in ("a same-skill reason", "none"):
                row = [table[(band, claim, g)] for g in range(4)]
                n = sum(row)
                share = f"grade 3 {row[3] / n:.0%}, grade 2-3 {(row[2] + row[3]) / n:.0%}" if n else ""
                print(f"    {band:8s} {claim:20s} {' / '.join(map(str, row)):18s} n={n:<4d} {share}")

    print("five hard-case files, bands as shipped: right people / look-alikes")
    files: Counter[tuple[str, str, str]] = Counter()
    for path in DEFAULT_HARD:
        cases = _jsonl(path)
        people = [profile_from_record(r) for c in cases for r in (*c["other_words"], *c["lookalikes"])]
        everyone = ProfileIndex.build([*dev.profiles, *people])
        for case in cases:
            vac = vacancy_from_record(case["vacancy"])
            label = {r["external_id"]: "right" for r in case["other_words"]}
            label |= {r["external_id"]: "look-alike" for r in case["lookalikes"]}
            for c in rank(everyone, vac, rules=RULES, today=TODAY, top_k=len(everyone), only_ids=set(label)):
                by_score = model.band(c.score, same_skill=True)
                files[(by_score, _claims(c.reasons), label[c.profile_id])] += 1
    for band in (*BANDS, NO_EVIDENCE):
        for claim in ("a same-skill reason", "none"):
            right, look = files[(band, claim, "right")], files[(band, claim, "look-alike")]
            print(f"  score {band:8s} {claim:20s} right {right:3d}  look-alikes {look:3d}")

    print(f"dev pairs with no skill evidence, grades 0 / 1 / 2 / 3, by the sector reason (at least {SECTOR_REASON}):")
    for rule in ("both sector parts", "the lexicon's alone"):
        for cited in (True, False):
            row = [no_evidence[(rule, cited, g)] for g in range(4)]
            print(f"  {rule:20s} {'cited' if cited else 'not cited':10s} {' / '.join(map(str, row))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
