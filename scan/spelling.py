"""Put back the vowel and tone marks OCR drops or invents, using the Thai dictionary.

Tesseract's Thai model reads consonants well and marks badly: ``ที่ดิน`` comes out ``ทีดิน``,
``พื้นที่`` ``พืนที``, and a stray ``ู`` appears under a letter. So the text is compared with the
dictionary on its consonants and vowels alone (marks removed): the bare text is cut into
dictionary words (PyThaiNLP's newmm over the words' bare forms), and a piece whose marks are not
those of a word with the same bare form takes that word's marks (the nearest, then the most
frequent in the Thai National Corpus). Pieces that are no dictionary word (names, numbers) are
left as read.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata

_THAI = re.compile(r"[ก-๛]")
_THAI_LETTER = re.compile(r"[ก-ฺเ-๎]")
# Words written alone between spaces that the dictionary lacks: ``เข้าร่วม ณ ห้อง`` must not be
# read as one run (it became ``เข้ารั่วมณี``).
STANDALONE = frozenset({"ณ", "ฯ", "ๆ", "ฯลฯ"})
_THAI_WORD = re.compile(r"[ก-ฺเ-๎]+")


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) == "Mn"


def bare(text: str) -> str:
    return "".join(c for c in text if not _is_mark(c))


_TOTAL: list[int] = []  # tokens in the frequency list, set with the lexicon


@functools.cache
def _lexicon():
    from pythainlp.corpus import thai_words, tnc
    from pythainlp.util import Trie

    by_key: dict[str, list[str]] = {}
    for word in thai_words():
        if _THAI_WORD.fullmatch(word):
            key = bare(word)
            if len(key) >= 2 or word == key:
                by_key.setdefault(key, []).append(word)
    try:
        freq = dict(tnc.word_freqs())
    except Exception:  # the frequency list is a tie-breaker only
        freq = {}
    _TOTAL[:] = [max(1, sum(freq.values()))]
    return by_key, freq, Trie(by_key), frozenset(thai_words())


def _fix(chunk: str, spaces: frozenset[int] = frozenset()) -> str:
    """*chunk* (Thai without spaces) with marks put right. *spaces* are the positions in *chunk*
    before which the OCR text had a space: kept between words, dropped inside a dictionary word
    (OCR splits words: ``แล ะ``, ``ผ ลงบประมาณ``)."""
    from pythainlp.tokenize import word_tokenize
    from rapidfuzz.distance import Levenshtein

    by_key, freq, trie, words_set = _lexicon()
    base = [i for i, c in enumerate(chunk) if not _is_mark(c)]
    key = "".join(chunk[i] for i in base)
    if not key:
        return chunk

    def spaced(start: int, end: int) -> str:  # the text as read, its spaces put back
        return "".join((" " if i in spaces and i != start else "") + chunk[i] for i in range(start, end))

    out, pos = [chunk[: base[0]]], 0
    for token in word_tokenize(key, custom_dict=trie, engine="newmm", keep_whitespace=True):
        start = base[pos]
        pos += len(token)
        end = base[pos] if pos < len(base) else len(chunk)
        read = chunk[start:end]
        if start in spaces and start != 0:
            out.append(" ")
        words = by_key.get(token)
        if not words:
            out.append(spaced(start, end))
            continue
        if read in words:
            out.append(read)
            continue
        best = min(words, key=lambda w: (Levenshtein.distance(w, read), -freq.get(w, 0)))
        if Levenshtein.distance(best, read) > 2 or _likelier_as_read(read, best, words_set, freq):
            out.append(spaced(start, end))
        else:
            out.append(best)
    return "".join(out)


def _likelier_as_read(read: str, best: str, words_set, freq) -> bool:
    """True when the text as read is itself dictionary words that are likelier, as a unigram
    sequence, than the one word with the same bare form: ``ขั้นที่`` is ขั้น + ที่, not the rare
    ขันที; but ``ทีดิน`` is ที่ดิน, not ที + ดิน."""
    from pythainlp.tokenize import word_tokenize

    parts = word_tokenize(read, engine="newmm")
    if not all(p in words_set for p in parts):
        return False
    total = max(1, sum(freq.values()) if not _TOTAL else _TOTAL[0])
    as_read = sum(math.log((freq.get(p, 0) + 1) / total) for p in parts)
    return as_read > math.log((freq.get(best, 0) + 1) / total)


def mend_runs(text: str, fix, *, is_run, joins) -> str:
    """*text* with each run of Thai passed through ``fix(run, spaces)``; other pieces (digits, Latin,
    whitespace) unchanged. A single space between two pieces for which ``joins(left, right)`` holds
    (the piece before the space and the one after)
    is taken into the run (its position in ``spaces``), so a word OCR split in two can be mended;
    *fix* puts the spaces it keeps back. Shared by the mark restorer and the word corrector."""
    parts = re.split(r"(\s+)", text)
    out, i = [], 0
    while i < len(parts):
        run = parts[i]
        if not is_run(run):
            out.append(run)
            i += 1
            continue
        spaces, last = [], run
        while i + 2 < len(parts) and parts[i + 1] == " " and joins(last, parts[i + 2]):
            spaces.append(len(run))
            last = parts[i + 2]
            run += last
            i += 2
        out.append(fix(run, frozenset(spaces)))
        i += 1
    return "".join(out)


def restore_marks(text: str) -> str:
    """*text* with the marks of dictionary words put right; digits and names unchanged, spaces
    between words kept."""
    if not text or not _THAI.search(text):
        return text
    # Thai on both sides of one space: one run, so a word OCR split in two can be mended; but a
    # word official Thai writes between spaces (ณ, ฯ, ๆ; not in the dictionary) stays apart.
    return mend_runs(text, _fix, is_run=lambda r: bool(_THAI.search(r)),
                     joins=lambda left, right: bool(_THAI_LETTER.match(left[-1]) and _THAI_LETTER.match(right[:1]))
                     and left not in STANDALONE and right not in STANDALONE)
