"""ProfileIndex: fitted vocabularies, term matrices and structured columns for a roster."""

from __future__ import annotations

import base64
import gc
import json
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

from matching.engine.columns import Columns
from matching.engine.explain import notes_of
from matching.engine.features import SECTOR_SHARE, Notes, ProfileTerms, profile_terms, text_terms
from matching.engine.lexicon import Lexicon, lexicon_of
from matching.engine.model import load_model
from matching.engine.occupations import OccupationSpace, load_occupations
from matching.engine.types import EngineConfig, Profile

DTYPE = np.float32
OCCUPATION_CHUNK = 4096
MIN_COMPACT = 4096  # pending upserts kept in a side matrix before folding them in


class _RowBuilder:
    """Accumulates sparse rows (term -> value) in compact arrays, growing the vocabulary."""

    def __init__(self) -> None:
        self.indices = array("i")
        self.data = array("f")
        self.indptr = array("q", [0])

    def add(self, bag: Mapping[str, float], vocab: dict[str, int], grow: bool = True) -> None:
        # (`<=` looks each of the bag's terms up; `-` would walk the whole vocabulary)
        if not bag.keys() <= vocab.keys():  # new terms (in the bag's order) or, fitted, unknown ones
            for term, value in bag.items():
                j = vocab.get(term)
                if j is None:
                    if not grow:  # a fitted vocabulary: unknown terms are dropped, as in upserts
                        continue
                    j = vocab[term] = len(vocab)
                self.indices.append(j)
                self.data.append(value)
        else:  # every term known (most bags once the vocabulary has grown): whole-bag C calls
            self.indices.extend(map(vocab.__getitem__, bag))
            self.data.extend(bag.values())
        self.indptr.append(len(self.indices))

    def matrix(self, n_cols: int) -> sp.csr_matrix:
        m = sp.csr_matrix(
            (
                np.frombuffer(self.data, dtype=np.float32),
                np.frombuffer(self.indices, dtype=np.int32),
                np.frombuffer(self.indptr, dtype=np.int64),
            ),
            shape=(len(self.indptr) - 1, n_cols),
        )
        m.sort_indices()
        return m


CHAR_PARAMS: dict[str, Any] = {
    "analyzer": "char_wb",
    "ngram_range": (3, 5),
    "sublinear_tf": True,
    "min_df": 2,
    "dtype": DTYPE,
}


def _floats(data: NDArray[np.float32]) -> str:
    return base64.b64encode(np.ascontiguousarray(data, dtype=DTYPE).tobytes()).decode()


def _unfloats(text: str) -> NDArray[np.float32]:
    return np.frombuffer(base64.b64decode(text), dtype=DTYPE).copy()


@dataclass(frozen=True)
class Fitted:
    """The corpus statistics an index fits on its roster: the word vocabulary (in column
    order), the word IDF, and the headline character n-grams with their IDF.

    Fitted once on a whole roster (`fit_statistics`) and shared by the indexes of its
    partitions (`ProfileIndex.build(..., fitted=...)`), every partition gives a profile
    the very vector the whole roster's index would: partitions score alike, and their
    top lists merge exactly.
    """

    vocab: tuple[str, ...]
    idf: NDArray[np.float32]
    char_vocab: tuple[str, ...] = ()
    char_idf: NDArray[np.float32] | None = None

    def words(self) -> TfidfTransformer:
        words = TfidfTransformer(sublinear_tf=True)
        words.idf_ = self.idf
        words.n_features_in_ = len(self.vocab)
        return words

    def chars(self) -> TfidfVectorizer:
        if not self.char_vocab or self.char_idf is None:
            return TfidfVectorizer(**CHAR_PARAMS)
        chars = TfidfVectorizer(**CHAR_PARAMS, vocabulary={g: j for j, g in enumerate(self.char_vocab)})
        chars.idf_ = self.char_idf
        return chars

    def to_bytes(self) -> bytes:
        """Compressed JSON (no pickle: what is read back is data, never code)."""
        payload = {
            "vocab": list(self.vocab),
            "idf": _floats(self.idf),
            "char_vocab": list(self.char_vocab),
            "char_idf": _floats(self.char_idf) if self.char_idf is not None else None,
        }
        return zlib.compress(json.dumps(payload, ensure_ascii=False).encode())

    @classmethod
    def from_bytes(cls, blob: bytes) -> Fitted:
        payload = json.loads(zlib.decompress(blob))
        return cls(
            vocab=tuple(payload["vocab"]),
            idf=_unfloats(payload["idf"]),
            char_vocab=tuple(payload["char_vocab"]),
            char_idf=_unfloats(payload["char_idf"]) if payload["char_idf"] is not None else None,
        )


def _tfidf_transform(words: TfidfTransformer, counts: sp.csr_matrix) -> sp.csr_matrix:
    """`words.transform(counts)` (sublinear TF, IDF, L2) as float32, the very same steps
    without scikit-learn's input checks, which cost more than the work on a query's
    one row (about 0.5 ms a vacancy). `counts` is taken over."""
    data = counts.data.astype(DTYPE, copy=False)
    np.log(data, data)
    data += 1.0
    data *= words.idf_[counts.indices]
    out = sp.csr_matrix((data, counts.indices, counts.indptr), shape=counts.shape)
    inplace_csr_row_normalize_l2(out)
    return out


def _lexicon_vocab(lexicon: Lexicon | None) -> dict[str, int]:
    vocab: dict[str, int] = {}
    if lexicon is not None:
        for concept in lexicon.concepts:
            for token in concept.tokens:
                vocab.setdefault(token, len(vocab))
    return vocab


def _fit_words(counts: sp.csr_matrix, n_words: int) -> TfidfTransformer:
    # A new deployment starts with nobody on the roster: fit on one empty
    # row (every IDF is then 1) so that upserts and ranking still work.
    words = TfidfTransformer(sublinear_tf=True)
    return words.fit(counts if counts.shape[0] else sp.csr_matrix((1, n_words), dtype=DTYPE))


def _chars_weigh(config: EngineConfig) -> bool:
    """Whether headline character n-grams count in the score: switched on and given a
    weight by the ranker (a learnt weight of 0 leaves them out of the index, saving
    their fit, their columns and their transform of every query)."""
    if not config.use_char_ngrams:
        return False
    model = config.model if config.model is not None else load_model()
    return config.all_signals or model.weight("chars") != 0


def _fit_chars(heads: list[str], config: EngineConfig) -> TfidfVectorizer | None:
    if not (_chars_weigh(config) and sum(1 for h in heads if h) >= 2):
        return None
    chars = TfidfVectorizer(**CHAR_PARAMS)
    try:
        chars.fit(heads)
    except ValueError:
        # No n-gram occurs in two headlines (a tiny or very varied roster):
        # nothing to compare on, so the component stays empty.
        return None
    # The n-grams cut by min_df are kept only for introspection and weigh a lot.
    chars.stop_words_ = set()
    return chars


def fit_statistics(profiles: Iterable[Profile], config: EngineConfig | None = None) -> Fitted:
    """Fit the corpus statistics of a whole roster without indexing it (one pass, the
    document counts and headlines only): what `ProfileIndex.build` would fit on it."""
    config = config or EngineConfig()
    lexicon = lexicon_of(config)
    vocab = _lexicon_vocab(lexicon)
    doc = _RowBuilder()
    heads: list[str] = []
    for p in profiles:
        t = profile_terms(p, lexicon, config)
        doc.add(t.doc, vocab)
        for term in t.strengths:
            vocab.setdefault(term, len(vocab))
        heads.append(t.head_text)
    words = _fit_words(doc.matrix(len(vocab)), len(vocab))
    del doc
    chars = _fit_chars(heads, config)
    return _fitted(vocab, words, chars)


def _fitted(vocab: dict[str, int], words: TfidfTransformer, chars: TfidfVectorizer | None) -> Fitted:
    char_vocab: tuple[str, ...] = ()
    char_idf = None
    if chars is not None and getattr(chars, "vocabulary_", None):
        char_vocab = tuple(sorted(chars.vocabulary_, key=chars.vocabulary_.__getitem__))
        char_idf = np.asarray(chars.idf_, dtype=DTYPE)
    terms = sorted(vocab, key=vocab.__getitem__)
    return Fitted(tuple(terms), np.asarray(words.idf_, dtype=DTYPE), char_vocab, char_idf)


@cache
def sectors_of_occupations(space: OccupationSpace, lexicon: Lexicon, sectors: tuple[str, ...]) -> NDArray[np.float32]:
    """Occupations x sectors: each sector's share of the lexicon's sector evidence in the
    occupation's labels and description, the leading sector scaled to 1 (once per process)."""
    out = np.zeros((space.size, len(sectors)), dtype=DTYPE)
    config = EngineConfig()
    for i, occ in enumerate(space.occupations):
        bag = text_terms(f"{occ.labels}. {occ.description}", lexicon, config)
        for j, token in enumerate(sectors):
            out[i, j] = bag.get(token, 0)
    top = out.max(axis=1, keepdims=True)
    top[top == 0] = 1.0
    return out / top


class ProfileIndex:
    """Searchable roster. Build once, then `upsert`/`remove` single profiles.

    The vocabulary and IDF are fixed at build time: an upserted profile is scored with
    them, and words never seen at build time are ignored until the next rebuild.
    """

    def __init__(self, config: EngineConfig, lexicon: Lexicon | None) -> None:
        self.config = config
        self.lexicon = lexicon
        self.occupations: OccupationSpace | None = load_occupations() if config.use_occupations else None
        self.cols = Columns()
        self.profiles: list[Profile | None] = []
        self.notes: list[Notes | None] = []
        self._phrases: dict[str, tuple[str, frozenset[str], frozenset[str]]] = {}
        self.rows: dict[str, int] = {}
        self.words = TfidfTransformer(sublinear_tf=True)
        self.chars = TfidfVectorizer(**CHAR_PARAMS)
        self.vocab: dict[str, int] = {}
        self.idf: NDArray[np.float32] = np.zeros(0, dtype=DTYPE)
        self.n_words = 0
        self.n_chars = 0
        self.n_occupations = 0
        self.sectors: dict[str, int] = {}
        # Sector of each ESCO occupation, read by the lexicon in its labels and description.
        self.occupation_sectors: NDArray[np.float32] = np.zeros((0, 0), dtype=DTYPE)
        # The same matrix twice: features x rows for scoring (postings), rows x features
        # for fetching the top-k's vectors when explaining their score.
        self.base_t: sp.csr_matrix = sp.csr_matrix((0, 0), dtype=DTYPE)
        self.base: sp.csr_matrix = sp.csr_matrix((0, 0), dtype=DTYPE)
        self.base_rows = 0
        self.pending: list[sp.csr_matrix] = []
        self._pending_stack: sp.csr_matrix | None = None

    # -- construction -------------------------------------------------------------------

    @classmethod
    def build(
        cls, profiles: Iterable[Profile], config: EngineConfig | None = None, fitted: Fitted | None = None
    ) -> ProfileIndex:
        """Fit vocabularies and IDF on `profiles` and index them all.

        With `fitted` (statistics fitted once on the whole roster), index `profiles`
        (one partition of it) with those instead: its rows are then exactly the
        whole roster's index's rows for the same profiles.
        """
        config = config or EngineConfig()
        lexicon = lexicon_of(config)
        index = cls(config, lexicon)
        plist = list(profiles)
        sector_names = sorted({c.sector for c in lexicon.concepts}) if lexicon else []
        index.sectors = {f"s:{s}": i for i, s in enumerate(sector_names)}
        index.occupation_sectors = index._sectors_of_occupations()
        grow = fitted is None
        vocab = _lexicon_vocab(lexicon) if fitted is None else {t: j for j, t in enumerate(fitted.vocab)}
        # One pass: each profile's terms go straight into compact arrays (4 bytes a value;
        # Python lists of floats would cost 32) and only its explanation notes are kept.
        doc = _RowBuilder()
        cov = _RowBuilder()
        heads: list[str] = []
        # "What they do" bags are projected onto ESCO a chunk at a time, so that 100,000
        # of them never sit in memory together.
        does: list[Counter[str]] = []
        occ_blocks: list[sp.csr_matrix] = []
        was_enabled = gc.isenabled()
        gc.disable()  # millions of long-lived objects: collecting in between is wasted work
        try:
            for p in plist:
                t = profile_terms(p, lexicon, config)
                doc.add(t.doc, vocab, grow)
                cov.add(t.strengths, vocab, grow)
                heads.append(t.head_text)
                does.append(t.does)
                if len(does) == OCCUPATION_CHUNK:
                    occ_blocks.append(index._occupation_rows(does))
                    does = []
                row = index.cols.append(p)
                index.rows[p.id] = row
                index.profiles.append(p)
                index.notes.append(index._notes(t))
        finally:
            if was_enabled:
                gc.enable()
        index.vocab = vocab
        index.n_words = len(vocab)
        counts = doc.matrix(len(vocab))
        index.words = _fit_words(counts, len(vocab)) if fitted is None else fitted.words()
        doc_matrix = (
            index.words.transform(counts).astype(DTYPE) if counts.shape[0] else sp.csr_matrix(counts, dtype=DTYPE)
        )
        index.idf = np.asarray(index.words.idf_, dtype=DTYPE)
        char_matrix = sp.csr_matrix((len(plist), 0), dtype=DTYPE)
        chars = _fit_chars(heads, config) if fitted is None else fitted.chars()
        if chars is not None and getattr(chars, "vocabulary_", None) and config.use_char_ngrams:
            index.chars = chars
            index.n_chars = len(chars.vocabulary_)
            if heads:  # an empty partition has nothing to transform
                char_matrix = sp.csr_matrix(chars.transform(heads), dtype=DTYPE)
            else:
                char_matrix = sp.csr_matrix((0, index.n_chars), dtype=DTYPE)
        cov_matrix = cov.matrix(len(vocab))
        if does or not occ_blocks:
            occ_blocks.append(index._occupation_rows(does))
        occ_matrix = sp.vstack(occ_blocks, format="csr", dtype=DTYPE)
        index.n_occupations = index.occupations.size if index.occupations is not None else 0
        cov_matrix = index._sectors_where_unknown(cov_matrix, occ_matrix)
        del doc, cov, heads, does, occ_blocks
        index.base = sp.hstack([doc_matrix, cov_matrix, char_matrix, occ_matrix], format="csr", dtype=DTYPE)
        del doc_matrix, cov_matrix, char_matrix, occ_matrix
        index.base_t = index.base.T.tocsr()
        index.base_rows = len(plist)
        # The notes are millions of small long-lived objects; without this every full
        # garbage collection walks them all and ranking slows down several-fold.
        gc.collect()
        gc.freeze()
        return index

    def fitted(self) -> Fitted:
        """The corpus statistics this index was built with (to share with partitions)."""
        return _fitted(self.vocab, self.words, self.chars if self.n_chars else None)

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

    def _occupation_rows(self, does: Sequence[Counter[str]]) -> sp.csr_matrix:
        """ESCO occupation projections of "what they do" bags, then the sectors of those
        occupations (no columns when switched off)."""
        if self.occupations is None:
            return sp.csr_matrix((len(does), 0), dtype=DTYPE)
        proj = self.occupations.project(does)
        if not self.occupation_sectors.size:
            return proj
        # Squared cosines of an L2-normalised row sum to 1: a weighted mean of sectors.
        sectors = sp.csr_matrix(proj.multiply(proj) @ self.occupation_sectors, dtype=DTYPE)
        return sp.hstack([proj, sectors], format="csr", dtype=DTYPE)

    def _sectors_where_unknown(self, cov: sp.csr_matrix, occ: sp.csr_matrix) -> sp.csr_matrix:
        """Coverage rows in which a person with no lexicon sector evidence at all (the lexicon
        knows none of their words) takes the sectors of their ESCO occupations instead, at
        most SECTOR_SHARE like the lexicon's own: their sector is unknown, not absent.
        Without this, everyone whose words the lexicon's authors did not foresee scored as
        if they worked in another sector. People with lexicon evidence keep exactly that."""
        n_sectors = len(self.sectors)
        if not n_sectors or occ.shape[1] < n_sectors or not self.occupation_sectors.size or not cov.shape[0]:
            return cov
        cols = np.fromiter((self.vocab[token] for token in self.sectors), dtype=np.int32, count=n_sectors)
        fill = occ[:, occ.shape[1] - n_sectors :].toarray() * DTYPE(SECTOR_SHARE)
        fill[cov[:, cols].getnnz(axis=1) > 0] = 0.0
        rows, which = np.nonzero(fill)
        if not len(rows):
            return cov
        known = sp.csr_matrix((fill[rows, which], (rows, cols[which])), shape=cov.shape, dtype=DTYPE)
        out = (cov + known).tocsr()
        out.sort_indices()
        return out

    def _sectors_of_occupations(self) -> NDArray[np.float32]:
        if self.occupations is None or self.lexicon is None or not self.sectors:
            return np.zeros((0, 0), dtype=DTYPE)
        return sectors_of_occupations(self.occupations, self.lexicon, tuple(self.sectors))

    @property
    def sector_offset(self) -> int:
        """First column of the occupations' sectors block."""
        return self.occupation_offset + self.n_occupations

    @property
    def occupation_offset(self) -> int:
        """First feature column of the occupation block."""
        return 2 * self.n_words + self.n_chars

    def _coverage_rows(self, terms: Sequence[ProfileTerms]) -> sp.csr_matrix:
        return self._sparse_rows([t.strengths for t in terms])

    def word_vector(self, bag: Mapping[str, float]) -> sp.csr_matrix:
        """TF-IDF (sublinear, L2) of one bag of terms with the fitted IDF."""
        return self.word_vector_rows([bag])

    def word_vector_rows(self, bags: Sequence[Mapping[str, float]]) -> sp.csr_matrix:
        """TF-IDF rows of several bags at once."""
        return _tfidf_transform(self.words, self._sparse_rows(bags))

    def _notes(self, terms: ProfileTerms) -> Notes:
        """Explanation notes with shared phrase keys: rosters repeat skill phrases a lot."""
        notes = notes_of(terms)
        keys = []
        for text, concepts, stems in notes.skill_keys:
            shared = self._phrases.setdefault(text, (text, concepts, stems))
            keys.append(shared if shared[1] == concepts else (text, concepts, stems))
        return Notes(keys, notes.surfaces)

    def _row_matrix(self, terms: ProfileTerms) -> sp.csr_matrix:
        doc = self.word_vector(terms.doc)
        cov = self._coverage_rows([terms])
        chars = self.chars.transform([terms.head_text]) if self.n_chars else sp.csr_matrix((1, 0), dtype=DTYPE)
        occ = self._occupation_rows([terms.does]) if self.n_occupations else sp.csr_matrix((1, 0), dtype=DTYPE)
        cov = self._sectors_where_unknown(cov, occ)
        return sp.hstack([doc, cov, chars, occ], format="csr", dtype=DTYPE)

    # -- maintenance --------------------------------------------------------------------

    def upsert(self, profile: Profile) -> None:
        """Add a profile or replace the one with the same id (old row is tombstoned)."""
        old = self.rows.get(profile.id)
        if old is not None:
            self._kill(old)
        terms = profile_terms(profile, self.lexicon, self.config)
        row = self.cols.append(profile)
        self.rows[profile.id] = row
        self.profiles.append(profile)
        self.notes.append(self._notes(terms))
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
        return int(self.base_t.shape[0])

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
        if self.base_rows == self.n_rows:  # nothing pending: the rows are all in `base`
            return self.base[rows]
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
