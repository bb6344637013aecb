"""Match quality of the engine, in process: dev figures, cross-validated figures, the
ablation, and the hard cases (look-alikes of another occupation, people of the right
occupation in other words).

python bench/eval_engine.py [--data DIR] [--hard FILE ...] [--out FILE]
                            [--no-ablation] [--per-vacancy] [--floors F ...]

- dev: the shipped model (matching/engine/data/ranker_v*.json) ranks the dev set. Its
  weights were fitted on these very vacancies, so this figure flatters it.
- cross-validated: 5 folds over VACANCIES, weights fitted on the other 4 folds only,
  repeated for 3 shuffles (mean, and the spread max-min across them). This is the
  figure to judge a change by.
- held-back field unforeseen: the same folds, each held-back fold scored with a lexicon
  that has lost every concept its vacancies' titles and skills name (their sector words
  kept), as if its authors had not foreseen that field: the dev set's words are all in
  the lexicon, a roster written by others is not.
- ablation: the cross-validated figure with each component switched off (weights refitted).
- each file of own hard cases is counted twice: as ranked, and with each vacancy's field
  unforeseen by the lexicon as above.
- hard cases: bench/hard_cases.jsonl, hard_cases_more.jsonl, hard_cases_third.jsonl,
  hard_cases_fourth.jsonl and hard_cases_fifth.jsonl (invented people, written for this
  bench, not taken from the dev set; each later file was written after the earlier ones
  had been looked at while changing the engine, as a fresh check: the third, fourth and
  fifth by someone who had not read the engine, its word lists or the dev set) each
  ranked among the dev roster, and the dev set's own cases.json; counted as the
  shortlist shows them, without the people below the floor.
- --floors F ...: only the floor's effect: the hard-case files' counts and the dev lists'
  lengths with each floor F in place of the shipped one.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.engine import (
    Candidate,
    EngineConfig,
    ProfileIndex,
    ProgrammeRules,
    check_eligibility,
    rank,
    rank_many,
)
from matching.engine.learn import (
    GradedPair,
    TrainingSet,
    cross_validate,
    cross_validate_unforeseen,
    metrics,
    model_logits,
    pair_signals,
    unforeseen,
)
from matching.engine.lexicon import load_lexicon
from matching.engine.model import NO_EVIDENCE, load_model
from matching.engine.records import profile_from_record, read_graded_roster, vacancy_from_record
from matching.engine.text import content_stem, tokenize
from matching.engine.types import Profile, Vacancy

TODAY = date(2026, 11, 30)
RULES = ProgrammeRules(residence_outside_duty_country=True)
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "dev"
DEFAULT_HARD = tuple(
    ROOT / "bench" / f"hard_cases{part}.jsonl" for part in ("", "_more", "_third", "_fourth", "_fifth")
)
ABLATIONS = (
    "use_lexicon",
    "use_families",
    "use_occupations",
    "use_word_tfidf",
    "use_char_ngrams",
    "use_title_weighting",
    "use_skill_coverage",
    "use_structured_fit",
    "use_sector_floor",
)
FEW_WORDS = 1  # "shares few words": at most this many content words with the title and skills


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load(data: Path) -> tuple[list[Profile], list[Vacancy]]:
    """Volunteers and vacancies of a roster-format directory."""
    profiles = [profile_from_record(r) for r in _jsonl(data / "volunteers.jsonl")]
    vacancies = [vacancy_from_record(r) for r in _jsonl(data / "vacancies.jsonl")]
    return profiles, vacancies


def dev_training_set(data: Path) -> TrainingSet:
    """The dev set's volunteers, vacancies and qrels (the same reader as manage.py train_ranker)."""
    profiles, vacancies, grades = read_graded_roster(data)
    return TrainingSet(profiles, vacancies, [GradedPair(*g) for g in grades])


def write_ranking(profiles: list[Profile], vacancies: list[Vacancy], config: EngineConfig, out: Path) -> None:
    """Rank every vacancy (MIDA residence rule on) and write the spec's ranking JSONL, as
    `rank_candidates` does: people below the floor left out."""
    index = ProfileIndex.build(profiles, config)
    ranked = rank_many(index, vacancies, rules_for=RULES, today=TODAY, top_k=200)
    with out.open("w", encoding="utf-8") as fh:
        for vac in vacancies:
            cands = [
                {"volunteer": c.profile_id, "score": round(c.score, 6), "eligible": c.eligible, "reasons": c.reasons}
                for c in ranked[vac.id]
                if c.band != NO_EVIDENCE
            ]
            fh.write(json.dumps({"vacancy": vac.id, "candidates": cands}, ensure_ascii=False) + "\n")


def evaluate(data: Path, ranking: Path, *extra: str) -> str:
    """Output of the dev set's evaluate.py on a ranking file."""
    cmd = [sys.executable, str(data / "evaluate.py"), str(ranking), *extra]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def _fmt(m: dict[str, float], spread: dict[str, float] | None = None) -> str:
    cells = []
    for key, width in (("ndcg@10", 8), ("p@5", 6), ("r@20", 6)):
        cell = f"{m[key]:.3f}"
        if spread is not None:
            cell += f" ±{spread[key] / 2:.3f}"
        cells.append(cell.rjust(width + (7 if spread is not None else 0)))
    return " ".join(cells)


def _stems(text: str) -> set[str]:
    return {s for s in map(content_stem, tokenize(text)) if s is not None}


def hard_case_figures(index: ProfileIndex, cases: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Own hard cases as the engine ranks them among `index`: right-occupation people in
    other words found in the top 10, look-alikes of another occupation in the top 10, and
    look-alikes ranked above a right person."""

    def shortlist(vac: Vacancy) -> list[str]:
        # As the shortlist shows them: people below the floor (no evidence) are not listed.
        everyone = rank(index, vac, rules=RULES, today=TODAY, top_k=len(index))
        return [c.profile_id for c in everyone if c.band != NO_EVIDENCE]

    return _count_hard_cases(shortlist, cases)


def plain_tfidf_hard_case_figures(profiles: list[Profile], cases: list[dict[str, Any]]) -> dict[str, Any]:
    """The same figures for plain word TF-IDF behind the same eligibility gate (the issue's
    baseline): each person's headline, summary and skills against the vacancy's title,
    skills and description, English stop words out, no floor."""
    people = [*profiles, *(profile_from_record(r) for c in cases for r in (*c["other_words"], *c["lookalikes"]))]
    vectoriser = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    docs = vectoriser.fit_transform([" ".join((p.headline, p.summary, *p.skills)) for p in people])

    def ranked(vac: Vacancy) -> list[str]:
        query = vectoriser.transform(
            [" ".join((vac.title, *vac.required_skills, *vac.preferred_skills, vac.description))]
        )
        scores = (docs @ query.T).toarray().ravel()
        order = np.argsort(-scores, kind="stable")
        return [people[i].id for i in order if not check_eligibility(people[i], vac, RULES, today=TODAY)]

    return _count_hard_cases(ranked, cases)


def _count_hard_cases(ranking: Callable[[Vacancy], list[str]], cases: Iterable[dict[str, Any]]) -> dict[str, Any]:
    found = total = few_found = few_total = look_in = look_total = above = pairs = 0
    detail = []
    for case in cases:
        vac = vacancy_from_record(case["vacancy"])
        right = [r["external_id"] for r in case["other_words"]]
        looks = [r["external_id"] for r in case["lookalikes"]]
        ranked = ranking(vac)
        pos = {pid: i for i, pid in enumerate(ranked)}
        top10 = set(ranked[:10])
        asked = _stems(" ".join((vac.title, *vac.required_skills, *vac.preferred_skills)))
        for rec in case["other_words"]:
            shared = len(asked & _stems(" ".join((rec.get("headline", ""), rec.get("summary", ""), *rec["skills"]))))
            hit = rec["external_id"] in top10
            found += hit
            total += 1
            if shared <= FEW_WORDS:
                few_found += hit
                few_total += 1
        look_in += sum(1 for p in looks if p in top10)
        look_total += len(looks)
        worst_right = max(pos.get(p, len(ranked)) for p in right)
        above += sum(1 for p in looks if pos.get(p, len(ranked)) < worst_right)
        pairs += len(looks)
        detail.append((vac.id, [pos.get(p, -1) + 1 for p in right], [pos.get(p, -1) + 1 for p in looks]))
    return {
        "found": (found, total),
        "few_found": (few_found, few_total),
        "lookalikes_top10": (look_in, look_total),
        "lookalikes_above_a_right_person": (above, pairs),
        "detail": detail,
    }


SAME_SKILL = "\u2190"  # how a reason claims the same skill: "tax audit \u2190 'corporation tax and VAT'"


def claim_counts(
    index: ProfileIndex, labelled: Iterable[tuple[Vacancy, dict[str, Any]]]
) -> dict[Any, tuple[int, int, int]]:
    """Same-skill claims in the reasons, per label of the people (a grade, "right",
    "lookalikes"): (claims, people with one, people), over each vacancy's labelled
    people as the engine explains them, shortlisted or not."""
    out: dict[Any, tuple[int, int, int]] = {}
    for vac, labels in labelled:
        for c in rank(index, vac, rules=RULES, today=TODAY, top_k=len(index), only_ids=set(labels)):
            claims = sum(SAME_SKILL in r for r in c.reasons)
            n, with_one, people = out.get(labels[c.profile_id], (0, 0, 0))
            out[labels[c.profile_id]] = (n + claims, with_one + bool(claims), people + 1)
    return out


def dev_claim_figures(index: ProfileIndex, data: TrainingSet) -> dict[int, tuple[int, int, int]]:
    """Honest reasons on the dev set: `claim_counts` per grade of the graded pairs."""
    judged: dict[str, dict[str, int]] = {}
    for g in data.pairs:
        judged.setdefault(g.vacancy_id, {})[g.profile_id] = g.grade
    return dict(sorted(claim_counts(index, ((v, judged.get(v.id, {})) for v in data.vacancies)).items()))


def hard_case_claims(index: ProfileIndex, cases: Iterable[dict[str, Any]]) -> dict[str, tuple[int, int, int]]:
    """`claim_counts` for the right people and for the look-alikes of each vacancy."""
    labelled = (
        (
            vacancy_from_record(case["vacancy"]),
            {r["external_id"]: "right" for r in case["other_words"]}
            | {r["external_id"]: "lookalikes" for r in case["lookalikes"]},
        )
        for case in cases
    )
    return {"right": (0, 0, 0), "lookalikes": (0, 0, 0)} | claim_counts(index, labelled)


def dev_case_figures(index: ProfileIndex, vacancies: list[Vacancy], cases_path: Path) -> dict[str, Any]:
    """The dev set's own cases.json: look-alikes in a top 10, hard-wording matches in a top 10."""
    cases = json.loads(cases_path.read_text(encoding="utf-8"))
    ranked = rank_many(index, vacancies, rules_for=RULES, today=TODAY, top_k=10)
    look = look_n = hard = hard_n = 0
    for vid, case in cases.items():
        top = {c.profile_id for c in ranked.get(vid, []) if c.band != NO_EVIDENCE}
        look += sum(1 for c in case["eligible_lookalikes"] if c["volunteer"] in top)
        look_n += len(case["eligible_lookalikes"])
        hard += sum(1 for p in case["hard_wording_matches"] if p in top)
        hard_n += len(case["hard_wording_matches"])
    return {"lookalikes_top10": (look, look_n), "hard_wording_top10": (hard, hard_n)}


def unforeseen_hard_case_figures(profiles: list[Profile], cases: list[dict[str, Any]]) -> dict[str, Any]:
    """`hard_case_figures` with each vacancy's field unforeseen by the lexicon
    (`learn.unforeseen`): one index per vacancy, as the lexicon differs."""
    lexicon = load_lexicon()
    total: dict[str, Any] = {}
    for case in cases:
        vac = vacancy_from_record(case["vacancy"])
        people = [profile_from_record(r) for r in (*case["other_words"], *case["lookalikes"])]
        index = ProfileIndex.build([*profiles, *people], EngineConfig(lexicon=unforeseen(lexicon, [vac])))
        for key, value in hard_case_figures(index, [case]).items():
            if key != "detail":
                got = total.get(key, (0, 0))
                total[key] = (got[0] + value[0], got[1] + value[1])
    return total


def _above(ranked: dict[str, list[Candidate]], floor: float, vac: Vacancy) -> list[str]:
    """A vacancy's ranked people scoring at least `floor`."""
    return [c.profile_id for c in ranked[vac.id] if c.score >= floor]


def floor_sweep(profiles: list[Profile], vacancies: list[Vacancy], paths: Iterable[Path], floors: list[float]) -> None:
    """The hard-case files' counts (totalled) and the dev lists' lengths with each of
    `floors` in place of the shipped model's floor (the same ranking, cut at another score)."""
    dev = ProfileIndex.build(profiles)
    lengths: dict[float, list[int]] = {f: [] for f in floors}
    for vac in vacancies:
        scores = [c.score for c in rank(dev, vac, rules=RULES, today=TODAY, top_k=len(dev))]
        for f in floors:
            lengths[f].append(sum(1 for s in scores if s >= f))
    totals = {f: [0, 0, 0] for f in floors}
    for path in paths:
        cases = _jsonl(path)
        people = [profile_from_record(r) for c in cases for r in (*c["other_words"], *c["lookalikes"])]
        index = ProfileIndex.build([*profiles, *people])
        ranked: dict[str, list[Candidate]] = {}
        for case in cases:
            vac = vacancy_from_record(case["vacancy"])
            ranked[vac.id] = rank(index, vac, rules=RULES, today=TODAY, top_k=len(index))
        for f in floors:
            h = _count_hard_cases(partial(_above, ranked, f), cases)
            for i, key in enumerate(("found", "lookalikes_top10", "lookalikes_above_a_right_person")):
                totals[f][i] += h[key][0]
    print("\n== the floor: the same rankings cut at other scores ==")
    for f in floors:
        n = lengths[f]
        print(
            f"floor {f:.4f}: dev lists {sum(n) / len(n):.1f} people a vacancy (least {min(n)}); hard-case files "
            f"right people found {totals[f][0]}, look-alikes in a top 10 {totals[f][1]}, "
            f"above a right person {totals[f][2]}"
        )


def _three_counts(h: dict[str, Any]) -> str:
    """The three hard-case counts on one line."""
    return (
        f"right people found {h['found'][0]}/{h['found'][1]}, "
        f"look-alikes in a top 10 {h['lookalikes_top10'][0]}/{h['lookalikes_top10'][1]}, "
        f"above a right person {h['lookalikes_above_a_right_person'][0]}/{h['lookalikes_above_a_right_person'][1]}"
    )


def _print_hard_cases(profiles: list[Profile], path: Path, *, per_vacancy: bool) -> None:
    """One file of own hard cases, its people ranked among the dev roster, then the same
    with each vacancy's field unforeseen by the lexicon."""
    cases = _jsonl(path)
    hard_profiles = [profile_from_record(r) for c in cases for r in (*c["other_words"], *c["lookalikes"])]
    hindex = ProfileIndex.build([*profiles, *hard_profiles])
    h = hard_case_figures(hindex, cases)
    print(f"own ({path.name}, {len(cases)} vacancies among the dev roster):")
    print(
        f"  right occupation in other words, in the top 10:   {h['found'][0]}/{h['found'][1]}"
        f" (sharing <= {FEW_WORDS} word with title and skills: {h['few_found'][0]}/{h['few_found'][1]})"
    )
    print(f"  look-alikes of another occupation in a top 10:    {h['lookalikes_top10'][0]}/{h['lookalikes_top10'][1]}")
    print(
        f"  look-alikes above a right person of their vacancy: "
        f"{h['lookalikes_above_a_right_person'][0]}/{h['lookalikes_above_a_right_person'][1]}"
    )
    c = hard_case_claims(hindex, cases)
    print(
        f"  same-skill claims in reasons: right people {c['right'][1]}/{c['right'][2]} ({c['right'][0]} claims), "
        f"look-alikes {c['lookalikes'][1]}/{c['lookalikes'][2]} ({c['lookalikes'][0]} claims)"
    )
    if per_vacancy:
        for vid, right, looks in h["detail"]:
            print(f"  {vid}: right at {right}, look-alikes at {looks}")
    print(
        f"  plain word TF-IDF behind the eligibility gate: {_three_counts(plain_tfidf_hard_case_figures(profiles, cases))}"
    )
    print(f"  the field unforeseen by the lexicon: {_three_counts(unforeseen_hard_case_figures(profiles, cases))}")


def _without(switch: str) -> EngineConfig:
    """The engine with one of its `use_*` switches off."""
    off: dict[str, Any] = {switch: False}
    return dataclasses.replace(EngineConfig(), **off)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--hard", type=Path, nargs="+", default=list(DEFAULT_HARD), help="hard-case files")
    ap.add_argument("--out", type=Path, default=None, help="dev ranking JSONL to write (default: temp file)")
    ap.add_argument("--no-ablation", action="store_true")
    ap.add_argument("--per-vacancy", action="store_true")
    ap.add_argument("--floors", type=float, nargs="+", help="only count the hard cases with each of these floors")
    args = ap.parse_args()
    dev = dev_training_set(args.data)
    profiles, vacancies = list(dev.profiles), list(dev.vacancies)
    model = load_model()
    print(f"model: ranker_v{model.version} ({model.trained_on})")
    if args.floors:
        floor_sweep(profiles, vacancies, args.hard, args.floors)
        return 0

    out = args.out or Path(tempfile.mkstemp(suffix=".jsonl")[1])
    write_ranking(profiles, vacancies, EngineConfig(), out)
    m = json.loads(evaluate(args.data, out, "--json"))
    print("\n== dev set, shipped model (fitted on these vacancies: flatters it) ==")
    print(f"NDCG@10 {m['ndcg@10']:.4f}  P@5 {m['p@5']:.3f}  R@20 {m['r@20']:.3f}  ineligible {m['ineligible']:.2f}")
    if args.per_vacancy:
        print(evaluate(args.data, out, "--per-vacancy"), end="")

    print("\n== cross-validated: 5 folds over vacancies x 3 shuffles, weights fitted on training folds ==")
    print(f"{'configuration':30s} {'NDCG@10':>15s} {'P@5':>13s} {'R@20':>13s}")
    configs: list[tuple[str, EngineConfig]] = [("full engine", EngineConfig())]
    if not args.no_ablation:
        configs += [(f"without {n[4:]}", _without(n)) for n in ABLATIONS]
    for label, config in configs:
        pairs = pair_signals(dev, config=config, rules=RULES, today=TODAY)
        cv = cross_validate(pairs)
        print(f"{label:30s} {_fmt(cv.mean, cv.spread)}")
        if label == "full engine":
            shipped = metrics(pairs, model_logits(model, pairs.X))
            print(f"{'(shipped weights, in-sample)':30s} {_fmt(shipped)}")
            blind = cross_validate_unforeseen(dev, pairs, config=config, rules=RULES, today=TODAY)
            print(f"{'(held-back field unforeseen)':30s} {_fmt(blind.mean, blind.spread)}")

    print("\n== hard cases ==")
    index = ProfileIndex.build(profiles)
    d = dev_case_figures(index, vacancies, args.data / "cases.json")
    print(
        f"dev cases.json: look-alikes in a top 10 {d['lookalikes_top10'][0]}/{d['lookalikes_top10'][1]}; "
        f"hard-wording grade-3 people in the top 10 {d['hard_wording_top10'][0]}/{d['hard_wording_top10'][1]}"
    )
    claims = dev_claim_figures(index, dev)
    total = sum(n for n, _, _ in claims.values())
    on_right = sum(n for grade, (n, _, _) in claims.items() if grade >= 2)
    print(
        f"dev same-skill claims in reasons: {total}, on pairs graded 2-3 {on_right} ({on_right / max(total, 1):.3f}); "
        + ", ".join(f"grade {g}: {n} claims, {w}/{p} pairs with one" for g, (n, w, p) in claims.items())
    )
    for hard in args.hard:
        _print_hard_cases(profiles, hard, per_vacancy=args.per_vacancy)
    return 0


if __name__ == "__main__":
    sys.exit(main())
