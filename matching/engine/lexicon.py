"""Domain lexicon: maps phrases (any of the roster's languages) to concept tokens.

The knowledge lives in `data/lexicon_*.toml`; this module only compiles and applies it.
Longest match wins, so "clinical audit" becomes a healthcare-quality concept while
"financial audit" becomes an external-audit concept and a bare "audit" stays generic.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from matching.engine.text import stem, stems_of_tokens, tokenize
from matching.engine.types import EngineConfig

DATA_DIR = Path(__file__).with_name("data")
MIN_STEM = 3  # shorter prefixes would match too many unrelated words


@dataclass(frozen=True)
class Concept:
    """One profession or subject of the lexicon."""

    id: str
    family: str  # "sector.family"
    kind: str  # "role", "topic" or "sector"

    @property
    def sector(self) -> str:
        return self.family.split(".", 1)[0]

    @property
    def tokens(self) -> tuple[str, str, str]:
        """Concept, family and sector tokens as they appear in the term space."""
        return f"c:{self.id}", f"f:{self.family}", f"s:{self.sector}"


@dataclass(frozen=True)
class Match:
    """A lexicon hit: concept indices and the token range [start, end) it covers."""

    concepts: tuple[int, ...]
    start: int
    end: int


class Lexicon:
    """Compiled phrase matcher over normalised, lightly stemmed tokens."""

    def __init__(self, concepts: list[Concept], terms: list[tuple[str, int]]) -> None:
        self.concepts = concepts
        self.terms = terms
        self.kinds: dict[str, str] = {f"c:{c.id}": c.kind for c in concepts}
        self.exact: dict[str, set[int]] = {}
        self.prefix: dict[str, set[int]] = {}
        self.infix: dict[str, set[int]] = {}
        # Multi-word phrases keyed by their first (stemmed) token; the last word may be a prefix.
        self.phrases: dict[str, list[tuple[tuple[str, ...], bool, int]]] = {}
        for term, ci in terms:
            self._add(term, ci)
        for entries in self.phrases.values():
            entries.sort(key=lambda e: -len(e[0]))  # longest first
        self.max_phrase = max((len(p) for es in self.phrases.values() for p, _, _ in es), default=1)
        self._prefix_lens = sorted({len(k) for k in self.prefix})
        self._infix_lens = sorted({len(k) for k in self.infix})
        self._token_cache: dict[str, tuple[int, ...]] = {}

    def _add(self, term: str, ci: int) -> None:
        starred_end = term.rstrip().endswith("*")
        starred_start = term.lstrip().startswith("*")
        words = tokenize(term.strip("* "))
        if not words:
            return
        if len(words) == 1:
            word = words[0]
            if starred_start and starred_end:
                self.infix.setdefault(word, set()).add(ci)
            elif starred_end:
                self.prefix.setdefault(word, set()).add(ci)
            else:
                self.exact.setdefault(stem(word), set()).add(ci)
            return
        body = (*(stem(w) for w in words[:-1]), words[-1] if starred_end else stem(words[-1]))
        self.phrases.setdefault(body[0], []).append((body, starred_end, ci))

    def without(self, concepts: Iterable[int]) -> Lexicon:
        """The same lexicon with no phrase for the given concepts (by index): what it would be
        had its authors not foreseen them. Concept indices and tokens stay as they are."""
        drop = set(concepts)
        return Lexicon(self.concepts, [(term, ci) for term, ci in self.terms if ci not in drop])

    def token_concepts(self, token: str) -> tuple[int, ...]:
        """Concepts of one (unstemmed, normalised) token; cached because vocabularies repeat."""
        hit = self._token_cache.get(token)
        if hit is not None:
            return hit
        found: set[int] = set(self.exact.get(stem(token), ()))
        n = len(token)
        for k in self._prefix_lens:
            if k > n:
                break
            found.update(self.prefix.get(token[:k], ()))
        if n >= 6:  # compounds only; short words are never split
            for k in self._infix_lens:
                if k > n:
                    break
                for i in range(n - k + 1):
                    found.update(self.infix.get(token[i : i + k], ()))
        out = tuple(sorted(found))
        if len(self._token_cache) < 1_000_000:
            self._token_cache[token] = out
        return out

    def match(self, tokens: list[str]) -> list[Match]:
        """Lexicon hits in a token sequence, longest phrase first, without overlaps."""
        stems = stems_of_tokens(tokens)
        phrases, cache = self.phrases, self._token_cache
        out: list[Match] = []
        i, n = 0, len(tokens)
        while i < n:
            entries = phrases.get(stems[i])
            if entries:
                hit = self._phrase_at(entries, tokens, stems, i)
                if hit is not None:
                    out.append(hit)
                    i = hit.end
                    continue
            token = tokens[i]
            cs = cache.get(token)
            if cs is None:
                cs = self.token_concepts(token)
            if cs:
                out.append(Match(cs, i, i + 1))
            i += 1
        return out

    def _phrase_at(
        self, entries: list[tuple[tuple[str, ...], bool, int]], tokens: list[str], stems: list[str], i: int
    ) -> Match | None:
        n = len(tokens)
        for body, last_is_prefix, _ in entries:
            k = len(body)
            if i + k > n or tuple(stems[i : i + k - 1]) != body[:-1]:
                continue
            last = tokens[i + k - 1] if last_is_prefix else stems[i + k - 1]
            if (last_is_prefix and last.startswith(body[-1])) or last == body[-1]:
                # Every concept sharing this exact phrase.
                same = {c for b, p, c in entries if b == body and p == last_is_prefix}
                return Match(tuple(sorted(same)), i, i + k)
        return None


def _load_files(paths: list[Path]) -> tuple[list[Concept], list[tuple[str, int]]]:
    concepts: list[Concept] = []
    terms: list[tuple[str, int]] = []
    for path in paths:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for entry in data.get("concept", []):
            ci = len(concepts)
            concepts.append(Concept(entry["id"], entry["family"], entry.get("kind", "topic")))
            terms.extend((t, ci) for t in entry["terms"])
    return concepts, terms


def lexicon_of(config: EngineConfig) -> Lexicon | None:
    """The lexicon a configuration analyses texts with: none when switched off, else its own
    or the shipped one."""
    if not config.use_lexicon:
        return None
    return config.lexicon if config.lexicon is not None else load_lexicon()


@cache
def load_lexicon(data_dir: str = str(DATA_DIR)) -> Lexicon:
    """The compiled lexicon from every `lexicon_*.toml` in `data_dir` (cached)."""
    concepts, terms = _load_files(sorted(Path(data_dir).glob("lexicon_*.toml")))
    return Lexicon(concepts, terms)
