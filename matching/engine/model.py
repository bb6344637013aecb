"""The learnt ranker: how the engine's signals combine into a score, and what a score means.

A model file (`data/ranker_v<N>.json`) holds a logistic model over the signals
`FEATURES` (fitted by `matching.engine.learn` on graded pairs), and the score
thresholds calibrated on held-back pairs: the floor (below it, no evidence that the
person does this work) and the bands strong / good / partial. The engine loads the
newest file; `manage.py train_ranker` writes a new one only when it does better on
held-back vacancies.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
# Text signals first (one sparse product scores them for the whole roster), then the
# structured ones, each in [0, 1].
TEXT_FEATURES: tuple[str, ...] = ("words", "does", "skills", "chars", "occupation", "sector", "occupation_sector")
FIT_FEATURES: tuple[str, ...] = ("experience", "languages", "availability")
FEATURES: tuple[str, ...] = TEXT_FEATURES + FIT_FEATURES
BANDS: tuple[str, ...] = ("strong", "good", "partial")
NO_EVIDENCE = "none"
_FILE = re.compile(r"ranker_v(\d+)\.json$")


@dataclass(frozen=True)
class RankerModel:
    """Coefficients of the logistic score and the calibrated thresholds on that score."""

    version: int
    coef: dict[str, float]
    intercept: float
    floor: float  # below: no evidence of doing the work
    strong: float  # at or above: most pairs here were graded 3 ("does this very job")
    good: float  # at or above: most pairs here were graded 2 or 3
    trained_on: str = ""
    metrics: dict[str, float] = field(default_factory=dict)

    def weight(self, name: str) -> float:
        return float(self.coef.get(name, 0.0))

    def score(self, parts: dict[str, float]) -> float:
        """The score of one pair from its signals (the vectorised scorer computes the same)."""
        z = self.intercept + sum(self.weight(f) * float(parts.get(f, 0.0)) for f in FEATURES)
        return 1.0 / (1.0 + math.exp(-z))

    def band(self, score: float, *, same_skill: bool) -> str:
        """strong / good / partial above the floor, "none" below it.

        "strong" also needs evidence of one of the vacancy's skills in the person's own
        words (`same_skill`: a same-skill reason, not a related or shared-word one): of
        the dev set's held-back pairs scoring "strong" without one, 4% were graded 3 and
        56-60% 2 or 3, which is what "good" means (`bench/band_evidence.py`).
        """
        if score >= self.strong and same_skill:
            return "strong"
        if score >= self.strong:
            return "good"
        if score >= self.good:
            return "good"
        if score >= self.floor:
            return "partial"
        return NO_EVIDENCE

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> RankerModel:
        raw = json.loads(text)
        return cls(
            version=int(raw["version"]),
            coef={str(k): float(v) for k, v in raw["coef"].items()},
            intercept=float(raw["intercept"]),
            floor=float(raw["floor"]),
            strong=float(raw["strong"]),
            good=float(raw["good"]),
            trained_on=str(raw.get("trained_on", "")),
            metrics={str(k): float(v) for k, v in raw.get("metrics", {}).items()},
        )


def model_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """Model files in `data_dir`, oldest version first."""
    found = [(int(m.group(1)), p) for p in data_dir.glob("ranker_v*.json") if (m := _FILE.search(p.name))]
    return [p for _, p in sorted(found)]


def read_model(path: Path) -> RankerModel:
    return RankerModel.from_json(path.read_text(encoding="utf-8"))


@cache
def load_model(data_dir: str = str(DATA_DIR)) -> RankerModel:
    """The newest model file shipped with the engine (cached per process)."""
    files = model_files(Path(data_dir))
    if not files:
        raise FileNotFoundError(f"no ranker_v*.json in {data_dir}")
    return read_model(files[-1])


def write_model(model: RankerModel, data_dir: Path = DATA_DIR) -> Path:
    """Write `model` as `ranker_v<version>.json`; never overwrites an existing version."""
    path = data_dir / f"ranker_v{model.version}.json"
    if path.exists():
        raise FileExistsError(path)
    path.write_text(model.to_json(), encoding="utf-8")
    return path
