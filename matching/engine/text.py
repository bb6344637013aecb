"""Text normalisation and tokenisation shared by the lexicon, the index and the reference scorer."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Letters that NFKD does not decompose (Turkish dotless i, Nordic o-slash, ...); folding
# them lets Finnish, Turkish and Danish words match terms written with or without diacritics.
_FOLD_PAIRS = (
    ("\u0131", "i"),
    ("ø", "o"),
    ("æ", "ae"),
    ("ß", "ss"),
    ("đ", "d"),
    ("ł", "l"),
    ("œ", "oe"),
    ("\u2019", "'"),
)
_FOLD = str.maketrans(dict(_FOLD_PAIRS))
# A token keeps inner "&", "." and "#" so that "M&E", "node.js" and "C#" survive as one word.
# Combining marks left by NFKD (Latin accents, Arabic harakat) are dropped.
_COMBINING = re.compile(r"[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u1ab0-\u1aff\u20d0-\u20ff]")
_TOKEN = re.compile(r"[^\W_]+(?:[&.#+][^\W_]+)*[#+]*", re.UNICODE)

# Function words of the roster's languages; they carry no evidence of a profession.
STOP_WORDS: frozenset[str] = frozenset(ENGLISH_STOP_WORDS) | frozenset(
    """
    iyo oo ka ku u la ah waa ayaa in uu ay si ee kale kuwa waxaan waxa ayuu ugu soo
    le la les des du de et en un une au aux pour par sur dans avec est qui que
    och att det som en ett av pa for med till har var jag
    og at det som en et av pa for med til har jeg er
    en het de van een op te voor met is ik als bij
    ja on ei se olen oli etta kun myos
    und der die das ein eine zu fur mit von im ist ich als bei auf
    il lo la gli le di da con per un una sono che nel della
    ve bir bu ile icin olarak da de ben
    في من على إلى عن مع و أن
    """.split()  # noqa: SIM905 - one line per language reads better than a literal list
)


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lower-case and strip accents (keeps Arabic and Ethiopic letters)."""
    text = unicodedata.normalize("NFKD", word.lower().translate(_FOLD))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def normalise(text: str) -> str:
    """Lower-case, accent-folded form of a whole text."""
    if text.isascii():  # the common case needs no Unicode work
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", _fold_letters(text.lower())))


def _fold_letters(text: str) -> str:
    """`text.translate(_FOLD)`, faster: translate looks every character of a non-ASCII
    text up in a dict (about 0.1 ms for a summary, most of its tokenising); one replace
    per letter present scans in C. The same result, as no replacement brings back a
    letter that is folded."""
    for letter, plain in _FOLD_PAIRS:
        if letter in text:
            text = text.replace(letter, plain)
    return text


def tokenize(text: str) -> list[str]:
    """Normalised tokens of `text`, in order (no stemming, stop words kept)."""
    return _TOKEN.findall(normalise(text))


def spans(text: str) -> list[tuple[str, int, int]]:
    """Normalised tokens with their character offsets in `text` (for quoting the person's words)."""
    norm = normalise(text)
    if len(norm) != len(text):
        # Decomposition changed lengths (rare ligatures): offsets would drift, so quote the norm.
        text = norm
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(norm)]


@lru_cache(maxsize=500_000)
def stem(token: str) -> str:
    """Light English plural stripping; enough to make "audits" and "audit" one word."""
    if len(token) <= 3 or not token.isalpha():
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith(("sses", "xes", "ches", "shes")):
        return token[:-2]
    if token.endswith("s") and not token.endswith(("ss", "us", "is", "ys")):
        return token[:-1]
    return token


def is_content_word(token: str) -> bool:
    """A token worth indexing as a word: not a stop word, not a bare number."""
    return len(token) > 1 and token not in STOP_WORDS and not token.isdigit()


@lru_cache(maxsize=500_000)
def content_stem(token: str) -> str | None:
    """The stem of a content word, None for a stop word or number (cached)."""
    return stem(token) if is_content_word(token) else None


class _Memo[V](dict[str, V]):
    """A function of a word, kept per word: looking a word up is one C call, where an
    lru_cache'd call costs several times that, and a summary has a hundred words.
    Stops keeping new words past `limit` (memory), still answering them."""

    def __init__(self, compute: Callable[[str], V], limit: int) -> None:
        super().__init__()
        self.compute = compute
        self.limit = limit

    def __missing__(self, word: str) -> V:
        value = self.compute(word)
        if len(self) < self.limit:
            self[word] = value
        return value


_STEMS = _Memo(stem, 500_000)
_CONTENT_STEMS = _Memo(content_stem, 500_000)


def stems_of_tokens(tokens: list[str]) -> list[str]:
    """`[stem(t) for t in tokens]`, faster."""
    return list(map(_STEMS.__getitem__, tokens))


def content_stems(tokens: Iterable[str]) -> list[str]:
    """`[s for s in map(content_stem, tokens) if s is not None]`, faster (a stem is
    never empty, so filtering out None alone is filtering out what is false)."""
    return list(filter(None, map(_CONTENT_STEMS.__getitem__, tokens)))
