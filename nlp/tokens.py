"""One shared Thai word tokenizer and the search tokens of a letter.

The tokenizer is ``newmm`` (nlpO3, PyThaiNLP's Rust implementation of it, about ten times
faster than the pure-Python one: it runs on every registration and every search) over
PyThaiNLP's bundled word list plus the organisation words (unit names and abbreviations) a
caller registers with :func:`add_words`. It is built lazily, once, on first use.
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

            _tokenizer = _O3Tokenizer(set(thai_words()) | {fold(w) for w in _extra_words})
        return _tokenizer


class _O3Tokenizer:
    """nlpO3 reads its dictionary from a file: we write the merged word list to a private
    temporary file (no download, nothing shared) and load it under a fresh name."""

    _loads = 0

    def __init__(self, words: set[str]) -> None:
        import os
        import tempfile

        import nlpo3

        fd, path = tempfile.mkstemp(prefix="saraban-words-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("\n".join(sorted(w for w in words if w and "\n" not in w)))
        _O3Tokenizer._loads += 1
        self._name = f"saraban-{os.getpid()}-{_O3Tokenizer._loads}"
        nlpo3.load_dict(path, self._name)
        os.unlink(path)
        self._segment = nlpo3.segment

    def word_tokenize(self, text: str) -> list[str]:
        return self._segment(text, self._name)


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


def segment(text: str) -> list[str]:
    """*text* cut into words by the shared tokenizer, nothing dropped or changed (the pieces join
    back to *text*): where a printed line may break (the PDF exports use it)."""
    if not text:
        return []
    pieces = _get_tokenizer().word_tokenize(text)
    return pieces if "".join(pieces) == text else [text]
