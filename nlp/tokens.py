"""One shared Thai word tokenizer and the search tokens of a letter.

The tokenizer is PyThaiNLP's ``newmm`` over the bundled word list plus the
organisation words (unit names and abbreviations) a caller registers with
:func:`add_words`. It is built lazily, once, on first use.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from nlp import normalize

_WORD = re.compile(r"[\u0e00-\u0e7fA-Za-z0-9]")

_lock = threading.Lock()
_extra_words: set[str] = set()
_tokenizer = None


def add_words(words: Iterable[str]) -> None:
    """Teach the tokenizer organisation words (unit names, abbreviations)."""
    global _tokenizer
    new = {w.strip() for w in words if w and w.strip()} - _extra_words
    if not new:
        return
    with _lock:
        _extra_words.update(new)
        _tokenizer = None  # rebuilt on next use with the larger dictionary


def _get_tokenizer():
    global _tokenizer
    tok = _tokenizer
    if tok is not None:
        return tok
    with _lock:
        if _tokenizer is None:
            from pythainlp.corpus import thai_words
            from pythainlp.tokenize import Tokenizer

            _tokenizer = Tokenizer(
                custom_dict=set(thai_words()) | {fold(w) for w in _extra_words}, engine="newmm", keep_whitespace=False
            )
        return _tokenizer


def fold(text: str) -> str:
    """NFKC, Thai digits to Arabic, zero-width characters removed, lower case.

    Also repairs typing-order slips (see :mod:`nlp.normalize`) and keeps SARA AM whole: plain
    NFKC splits ``ำ`` into ``ํา`` and the dictionary tokenizer then cuts ``สำนักงาน`` into pieces.
    """
    return normalize.fold(normalize.working_text(text).text)


def tokenize(text: str) -> list[str]:
    """Thai-aware word tokens of *text* (folded; punctuation and spaces dropped)."""
    folded = fold(text)
    if not folded.strip():
        return []
    return [t for t in (w.strip() for w in _get_tokenizer().word_tokenize(folded)) if t and _WORD.search(t)]


def search_tokens(*texts: str | None) -> list[str]:
    """Distinct search tokens for the given texts, in first-seen order."""
    seen: dict[str, None] = {}
    for text in texts:
        if text:
            for tok in tokenize(text):
                seen.setdefault(tok, None)
    return list(seen)
