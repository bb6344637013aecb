"""Rank the dev set with the engine and score it with the dev set's evaluate.py.

python bench/eval_engine.py [--data DIR] [--out FILE] [--ablation]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.engine import EngineConfig, ProfileIndex, ProgrammeRules, rank_many
from matching.engine.records import profile_from_record, vacancy_from_record
from matching.engine.types import Profile, Vacancy

TODAY = date(2026, 11, 30)
DEFAULT_DATA = Path("/work/shared/eval/dev")
ABLATIONS = (
    "use_lexicon",
    "use_families",
    "use_word_tfidf",
    "use_char_ngrams",
    "use_title_weighting",
    "use_skill_coverage",
    "use_structured_fit",
)


def load(data: Path) -> tuple[list[Profile], list[Vacancy]]:
    """Volunteers and vacancies of a roster-format directory."""
    with (data / "volunteers.jsonl").open(encoding="utf-8") as fh:
        profiles = [profile_from_record(json.loads(line)) for line in fh if line.strip()]
    with (data / "vacancies.jsonl").open(encoding="utf-8") as fh:
        vacancies = [vacancy_from_record(json.loads(line)) for line in fh if line.strip()]
    return profiles, vacancies


def write_ranking(profiles: list[Profile], vacancies: list[Vacancy], config: EngineConfig, out: Path) -> None:
    """Rank every vacancy (MIDA residence rule on) and write the spec's ranking JSONL."""
    index = ProfileIndex.build(profiles, config)
    ranked = rank_many(
        index, vacancies, rules_for=ProgrammeRules(residence_outside_duty_country=True), today=TODAY, top_k=200
    )
    with out.open("w", encoding="utf-8") as fh:
        for vac in vacancies:
            cands = [
                {"volunteer": c.profile_id, "score": round(c.score, 6), "eligible": c.eligible, "reasons": c.reasons}
                for c in ranked[vac.id]
            ]
            fh.write(json.dumps({"vacancy": vac.id, "candidates": cands}, ensure_ascii=False) + "\n")


def evaluate(data: Path, ranking: Path, *extra: str) -> str:
    """Output of the dev set's evaluate.py on a ranking file."""
    cmd = [sys.executable, str(data / "evaluate.py"), str(ranking), *extra]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=None, help="ranking JSONL to write (default: temp file)")
    ap.add_argument("--per-vacancy", action="store_true")
    ap.add_argument("--ablation", action="store_true", help="switch each component off in turn")
    args = ap.parse_args()
    profiles, vacancies = load(args.data)
    if not args.ablation:
        out = args.out or Path(tempfile.mkstemp(suffix=".jsonl")[1])
        write_ranking(profiles, vacancies, EngineConfig(), out)
        print(f"ranking written to {out}")
        print(evaluate(args.data, out, *(["--per-vacancy"] if args.per_vacancy else [])), end="")
        return 0
    print(f"{'configuration':28s} {'NDCG@10':>8s} {'P@5':>6s} {'R@20':>6s} {'inelig':>7s}")
    for name in ("(full engine)", *ABLATIONS):
        config = EngineConfig() if name.startswith("(") else dataclasses.replace(EngineConfig(), **{name: False})
        with tempfile.NamedTemporaryFile(suffix=".jsonl") as tmp:
            write_ranking(profiles, vacancies, config, Path(tmp.name))
            m = json.loads(evaluate(args.data, Path(tmp.name), "--json"))
        label = name if name.startswith("(") else f"without {name[4:]}"
        print(f"{label:28s} {m['ndcg@10']:8.4f} {m['p@5']:6.3f} {m['r@20']:6.3f} {m['ineligible']:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
