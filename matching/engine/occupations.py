"""What a person does, in ESCO's terms: texts projected onto ESCO occupations.

ESCO (the EU's classification of occupations and skills) lists for about 3,000
occupations the labels people use for them and a description of the work. Every
occupation becomes a TF-IDF document (its labels and their adjacent word pairs twice,
then its description); a text (a vacancy's title and skills; a person's headline and
the opening of their summary, with the English names of the lexicon concepts found
there) is projected onto that space and keeps its nearest occupations (those within
NEAR of the best, at most TOP_K), L2-normalised. The dot product of two projections
says whether two texts describe the same occupation when they share few words ("CCNP,
VLANs, OSPF areas" and "network engineer" both land on ICT network occupations), and
keeps apart texts that share a word but not the work (a network-marketing leader lands
on marketing occupations). It is only as good as ESCO's labels and descriptions:
work described in plain words that ESCO never uses ("kept the books of the family's
shops") is not recognised.

The data file is derived from ESCO by `scripts/build_esco_data.py`; see
`data/README.md` for its source and licence. No Django here.
"""

from __future__ import annotations

import gzip
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from matching.engine.text import content_stems, tokenize

DATA_FILE = Path(__file__).with_name("data") / "esco_occupations.tsv.gz"
TOP_K = 12  # at most this many occupations kept per text: a person is one job or a few close ones
NEAR = 0.5  # ... those within this share of the best one's cosine
MAX_DF = 0.2  # words in more than this share of occupations ("manage", "ensure") carry no signal
CHUNK = 4096
DTYPE = np.float32


@dataclass(frozen=True)
class Occupation:
    """One ESCO occupation (or ISCO group): its id, the labels and the short description."""

    uuid: str
    labels: str
    description: str

    @property
    def name(self) -> str:
        """A readable name: the first words of the labels, up to the first repeat."""
        words = self.labels.split()
        return " ".join(words[: min(len(words), 4)]) if words else self.uuid


def stems_of(text: str) -> list[str]:
    """Content stems of a text, as the rest of the engine sees words."""
    return content_stems(tokenize(text))


def with_pairs(stems: list[str]) -> list[str]:
    """The stems and their adjacent pairs ("personal assistant", "bridge engineer"): a pair
    names an occupation where either word alone ("assistant", "bridge") says little."""
    return stems + [f"{a}_{b}" for a, b in pairwise(stems)]


class OccupationSpace:
    """TF-IDF matrix of ESCO occupations and the projection of bags of stems onto it."""

    def __init__(self, occupations: Sequence[Occupation]) -> None:
        self.occupations = list(occupations)
        bags = []
        for o in self.occupations:
            labels = with_pairs(stems_of(o.labels))
            bags.append(Counter(labels + labels + stems_of(o.description)))
        df: Counter[str] = Counter()
        for bag in bags:
            df.update(bag.keys())
        n = len(bags)
        self.vocab: dict[str, int] = {}
        idf: list[float] = []
        for term, d in sorted(df.items()):
            if d / n <= MAX_DF:
                self.vocab[term] = len(idf)
                idf.append(math.log((1 + n) / (1 + d)) + 1.0)
        self.idf = np.asarray(idf, dtype=DTYPE)
        self.matrix_t = self._tfidf(bags).T.tocsr()  # vocab x occupations

    @property
    def size(self) -> int:
        return len(self.occupations)

    def _tfidf(self, bags: Sequence[Counter[str]]) -> sp.csr_matrix:
        """Sublinear TF-IDF rows (L2) of bags of stems; unknown and too common words dropped."""
        get = self.vocab.get
        indptr = [0]
        indices: list[int] = []
        counts: list[int] = []
        for bag in bags:
            for term, tf in bag.items():
                j = get(term)
                if j is not None:
                    indices.append(j)
                    counts.append(tf)
            indptr.append(len(indices))
        cols = np.asarray(indices, dtype=np.int32)
        data = ((1.0 + np.log(np.asarray(counts, dtype=DTYPE))) * self.idf[cols]).astype(DTYPE)
        m = sp.csr_matrix((data, cols, np.asarray(indptr, dtype=np.int64)), shape=(len(bags), len(self.idf)))
        return _l2_rows(m)

    def project(self, bags: Sequence[Counter[str]], near: float = NEAR) -> sp.csr_matrix:
        """Rows (one per bag) over occupations: the nearest occupations' cosines, L2-normalised."""
        out = [
            _keep_near((self._tfidf(bags[i : i + CHUNK]) @ self.matrix_t).tocsr(), near)
            for i in range(0, len(bags), CHUNK)
        ]
        if not out:
            return sp.csr_matrix((0, self.size), dtype=DTYPE)
        return sp.vstack(out, format="csr", dtype=DTYPE)

    def best(self, bag: Counter[str], n: int = 3) -> list[tuple[Occupation, float]]:
        """The `n` nearest occupations of one bag with their cosine (for explanations and tests)."""
        sims = (self._tfidf([bag]) @ self.matrix_t).toarray()[0]
        order = np.argsort(-sims)[:n]
        return [(self.occupations[int(j)], float(sims[j])) for j in order if sims[j] > 0]


def _l2_rows(m: sp.csr_matrix) -> sp.csr_matrix:
    """Each row scaled to unit length (empty rows stay empty)."""
    lengths = np.diff(m.indptr)
    if m.nnz == 0:
        return m
    norms = np.sqrt(np.add.reduceat(m.data.astype(np.float64) ** 2, m.indptr[:-1][lengths > 0]))
    scale = np.repeat(1.0 / np.maximum(norms, 1e-12), lengths[lengths > 0])
    m.data = (m.data * scale).astype(DTYPE)
    return m


def _keep_near(sims: sp.csr_matrix, near: float) -> sp.csr_matrix:
    """Keep, in each row, the occupations within NEAR of its best one (at most about TOP_K
    in practice), L2-normalised: the few jobs a text describes, not the long tail."""
    sims.sum_duplicates()
    lengths = np.diff(sims.indptr)
    if sims.nnz == 0:
        return sims
    best = np.maximum.reduceat(sims.data, sims.indptr[:-1][lengths > 0])
    threshold = np.repeat(best * near, lengths[lengths > 0])
    keep = sims.data >= threshold
    rows = np.repeat(np.arange(sims.shape[0]), lengths)[keep]
    kept = sp.csr_matrix((sims.data[keep], (rows, sims.indices[keep])), shape=sims.shape, dtype=DTYPE)
    return _l2_rows(_cap(kept))


def _cap(m: sp.csr_matrix) -> sp.csr_matrix:
    """At most TOP_K entries a row (the largest); rows over the cap are rare, so a loop is fine."""
    lengths = np.diff(m.indptr)
    over = np.flatnonzero(lengths > TOP_K)
    if not len(over):
        return m
    m = m.tolil()
    for r in over:
        vals = np.asarray(m.data[r])
        cols = np.asarray(m.rows[r])
        top = np.argsort(-vals)[:TOP_K]
        m.rows[r] = sorted(cols[top].tolist())
        order = np.argsort(cols[top])
        m.data[r] = vals[top][order].tolist()
    return m.tocsr()


def read_occupations(path: Path = DATA_FILE) -> list[Occupation]:
    """ESCO occupations from the gzipped TSV (uuid, labels, description)."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = fh.read().splitlines()[1:]  # after the header
    out = []
    for line in lines:
        uuid, labels, desc = [*line.split("\t"), "", ""][:3]
        out.append(Occupation(uuid, labels, desc))
    return out


@cache
def load_occupations() -> OccupationSpace:
    """The ESCO occupation space shipped with the engine (built once per process)."""
    return OccupationSpace(read_occupations())
