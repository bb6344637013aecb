"""ProfileIndex: fitted vocabularies, term matrices and structured columns for a roster."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer

from matching.engine.columns import Columns
from matching.engine.features import SECTOR_SHARE, Notes, ProfileTerms, profile_terms
from matching.engine.lexicon import Lexicon, load_lexicon
from matching.engine.types import EngineConfig, Profile

DTYPE = np.float32
MIN_COMPACT = 4096  # pending upserts kept in a side matrix before folding them in


class ProfileIndex:
    """Searchable roster. Build once, then `upsert`/`remove` single profiles.

    The vocabulary and IDF are fixed at build time: an upserted profile is scored with
    them, and words never seen at build time are ignored until the next rebuild.
    """

    def __init__(self, config: EngineConfig, lexicon: Lexicon | None) -> None:
        self.config = config
        self.lexicon = lexicon
        self.cols = Columns()
        self.profiles: list[Profile | None] = []
        self.notes: list[Notes | None] = []
        self.rows: dict[str, int] = {}
        self.words = TfidfTransformer(sublinear_tf=True)
        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2, dtype=DTYPE
        )
        self.vocab: dict[str, int] = {}
        self.idf: NDArray[np.float32] = np.zeros(0, dtype=DTYPE)
        self.n_words = 0
        self.n_chars = 0
        self.sectors: dict[str, int] = {}
        self.sector_strength: NDArray[np.float32] = np.zeros((0, 0), dtype=DTYPE)
        # The same matrix twice: features x rows for scoring (postings), rows x features
        # for fetching the top-k's vectors when explaining their score.
        self.base_t: sp.csr_matrix = sp.csr_matrix((0, 0), dtype=DTYPE)
        self.base: sp.csr_matrix = sp.csr_matrix((0, 0), dtype=DTYPE)
        self.base_rows = 0
        self.pending: list[sp.csr_matrix] = []
        self._pending_stack: sp.csr_matrix | None = None

    # -- construction -------------------------------------------------------------------

    @classmethod
    def build(cls, profiles: Iterable[Profile], config: EngineConfig | None = None) -> ProfileIndex:
        """Fit vocabularies and IDF on `profiles` and index them all."""
        config = config or EngineConfig()
        lexicon = load_lexicon() if config.use_lexicon else None
        index = cls(config, lexicon)
        plist = list(profiles)
        # Analysis allocates millions of long-lived objects: collecting in between is wasted.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            terms = [profile_terms(p, lexicon, config) for p in plist]
        finally:
            if was_enabled:
                gc.enable()
        vocab_terms: set[str] = set()
        for t in terms:
            vocab_terms.update(t.strengths)
        if lexicon is not None:
            for concept in lexicon.concepts:
                vocab_terms.update(concept.tokens)
        index.vocab = {t: j for j, t in enumerate(sorted(vocab_terms))}
        index.n_words = len(index.vocab)
        counts = index._sparse_rows([t.doc for t in terms])
        doc_matrix = index.words.fit_transform(counts).astype(DTYPE)
        index.idf = index.words.idf_.astype(DTYPE)
        heads = [t.head_text for t in terms]
        if config.use_char_ngrams and sum(1 for h in heads if h) >= 2:
            char_matrix = index.chars.fit_transform(heads)
            # The n-grams cut by min_df are kept only for introspection and weigh a lot.
            index.chars.stop_words_ = set()
            index.n_chars = len(index.chars.vocabulary_)
        else:
            char_matrix = sp.csr_matrix((len(plist), 0), dtype=DTYPE)
        sector_names = sorted({c.sector for c in lexicon.concepts}) if lexicon else []
        index.sectors = {f"s:{s}": i for i, s in enumerate(sector_names)}
        cov = index._coverage_rows(terms)
        index.base = sp.hstack([doc_matrix, cov, char_matrix], format="csr", dtype=DTYPE)
        del doc_matrix, cov, char_matrix, counts
        index.base_t = index.base.T.tocsr()
        index.base_rows = len(plist)
        index.sector_strength = np.zeros((max(len(plist), 16), len(sector_names)), dtype=DTYPE)
        for p, t in zip(plist, terms, strict=True):
            row = index.cols.append(p)
            index._set_sector(row, t)
            index.rows[p.id] = row
            index.profiles.append(p)
            index.notes.append(Notes(t.skill_keys, t.surfaces))
        # The notes are millions of small long-lived objects; without this every full
        # garbage collection walks them all and ranking slows down several-fold.
        gc.collect()
        gc.freeze()
        return index

    def _sparse_rows(self, bags: Sequence[Mapping[str, float]]) -> sp.csr_matrix:
        """Rows of term -> value mappings over the word vocabulary (unknown terms dropped)."""
        get = self.vocab.get
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for bag in bags:
            for term, value in bag.items():
                j = get(term)
                if j is not None:
                    indices.append(j)
                    data.append(value)
            indptr.append(len(indices))
        matrix = sp.csr_matrix(
            (np.asarray(data, dtype=DTYPE), np.asarray(indices, dtype=np.int32), np.asarray(indptr)),
            shape=(len(bags), self.n_words),
        )
        matrix.sort_indices()
        return matrix

    def _coverage_rows(self, terms: Sequence[ProfileTerms]) -> sp.csr_matrix:
        return self._sparse_rows([t.strengths for t in terms])

    def word_vector(self, bag: Mapping[str, float]) -> sp.csr_matrix:
        """TF-IDF (sublinear, L2) of one bag of terms with the fitted IDF."""
        return self.word_vector_rows([bag])

    def word_vector_rows(self, bags: Sequence[Mapping[str, float]]) -> sp.csr_matrix:
        """TF-IDF rows of several bags at once."""
        return sp.csr_matrix(self.words.transform(self._sparse_rows(bags)), dtype=DTYPE)

    def _set_sector(self, row: int, terms: ProfileTerms) -> None:
        if row >= len(self.sector_strength):
            grown = np.zeros((max(row + 1, 2 * len(self.sector_strength)), len(self.sectors)), DTYPE)
            grown[: len(self.sector_strength)] = self.sector_strength
            self.sector_strength = grown
        self.sector_strength[row] = 0.0
        for token, j in self.sectors.items():
            self.sector_strength[row, j] = min(1.0, terms.strengths.get(token, 0.0) / SECTOR_SHARE)

    def _row_matrix(self, terms: ProfileTerms) -> sp.csr_matrix:
        doc = self.word_vector(terms.doc)
        cov = self._coverage_rows([terms])
        chars = (
            self.chars.transform([terms.head_text]) if self.n_chars else sp.csr_matrix((1, 0), dtype=DTYPE)
        )
        return sp.hstack([doc, cov, chars], format="csr", dtype=DTYPE)

    # -- maintenance --------------------------------------------------------------------

    def upsert(self, profile: Profile) -> None:
        """Add a profile or replace the one with the same id (old row is tombstoned)."""
        old = self.rows.get(profile.id)
        if old is not None:
            self._kill(old)
        terms = profile_terms(profile, self.lexicon, self.config)
        row = self.cols.append(profile)
        self._set_sector(row, terms)
        self.rows[profile.id] = row
        self.profiles.append(profile)
        self.notes.append(Notes(terms.skill_keys, terms.surfaces))
        self.pending.append(self._row_matrix(terms))
        self._pending_stack = None
        if len(self.pending) > max(MIN_COMPACT, self.base_rows // 20):
            self.compact()

    def remove(self, profile_id: str) -> bool:
        """Drop a profile; return whether it was present."""
        row = self.rows.pop(profile_id, None)
        if row is None:
            return False
        self._kill(row)
        return True

    def _kill(self, row: int) -> None:
        self.cols.alive[row] = False
        self.profiles[row] = None
        self.notes[row] = None

    def compact(self) -> None:
        """Fold pending rows into the main matrix (keeps row numbers; dead rows stay masked)."""
        if not self.pending:
            return
        pending = self.pending_matrix()
        self.base = sp.vstack([self.base, pending], format="csr", dtype=DTYPE)
        self.base_t = sp.hstack([self.base_t, pending.T.tocsr()], format="csr", dtype=DTYPE)
        self.base_rows += len(self.pending)
        self.pending = []
        self._pending_stack = None

    def pending_matrix(self) -> sp.csr_matrix:
        """Rows upserted since the last compaction, stacked (cached)."""
        if self._pending_stack is None:
            if self.pending:
                self._pending_stack = sp.vstack(self.pending, format="csr", dtype=DTYPE)
            else:
                self._pending_stack = sp.csr_matrix((0, self.n_features), dtype=DTYPE)
        return self._pending_stack

    # -- access -------------------------------------------------------------------------

    @property
    def n_features(self) -> int:
        return self.base_t.shape[0]

    @property
    def n_rows(self) -> int:
        """Rows including tombstones (row numbers are stable)."""
        return self.cols.n

    def __len__(self) -> int:
        return len(self.rows)

    def __contains__(self, profile_id: object) -> bool:
        return profile_id in self.rows

    def profile(self, row: int) -> Profile:
        p = self.profiles[row]
        if p is None:
            raise KeyError(row)
        return p

    def row_vectors(self, rows: NDArray[np.int64]) -> sp.csr_matrix:
        """Feature rows (profiles x features) for a few rows, e.g. the top-k, for score parts."""
        base = rows[rows < self.base_rows]
        parts = []
        out_order = np.concatenate([np.flatnonzero(rows < self.base_rows), np.flatnonzero(rows >= self.base_rows)])
        if len(base):
            parts.append(self.base[base])
        extra = rows[rows >= self.base_rows] - self.base_rows
        if len(extra):
            parts.append(self.pending_matrix()[extra])
        if not parts:
            return sp.csr_matrix((0, self.n_features), dtype=DTYPE)
        stacked = sp.vstack(parts, format="csr")
        inverse = np.empty_like(out_order)
        inverse[out_order] = np.arange(len(out_order))
        return stacked[inverse]
