"""Word-level correction of an OCR'd subject: pieces that are no word, or a rare look-alike, are
replaced by the dictionary word the page most likely had.

Tesseract's Thai model misreads whole letters, not only marks (those :mod:`scan.spelling` puts
back): the first letter of a line is lost (``ขอให้`` → ``อให้``), a letter takes the shape of a
neighbour (``ป้องกัน`` → ``ป้อง มัน``, ``ซักซ้อม`` → ``ขุกซ้อม``), a vowel is dropped with a space
in its place (``ทางไกล`` → ``ทาง กล``). This is a noisy channel read on the "bare" text (marks
removed, as in :mod:`scan.spelling`):

* the words: PyThaiNLP's bundled dictionary plus ``data/subject_words.txt`` (the words of real
  letter subjects, see :mod:`scan.build_lexicon`); their prior is the Thai National Corpus
  frequency (bundled) mixed with the lexicon's counts (weight :data:`DOMAIN_WEIGHT`);
* the channel: edit distance on the bare forms where a swap between letters Tesseract confuses
  (same shape, see :data:`CONFUSABLE`) and a dropped leading vowel cost less than other edits,
  and a letter OCR would have added costs more (Tesseract drops letters, it seldom invents one);
* the reading: the cheapest cut of the text into words (Viterbi), each word costing
  ``-log P(word) + EDIT_NATS × distance``; a word may differ from the text as read (one edit; in
  a piece of five letters or more also one letter too many) only where the reading is suspect —
  a piece that is no word or a rare one, a lone letter, the two sides of a space OCR put between
  Thai letters, and their neighbours. Right text is left as it was read.
"""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path

from scan.spelling import _is_mark, _lexicon, bare

DATA = Path(__file__).parent / "data" / "subject_words.txt"
EDIT_NATS = 6.0  # an edit costs as much as a word 400 times rarer
OOV_NATS = 14.0  # a letter read as no word at all (names, abbreviations)
LONE_NATS = 6.0  # extra for a lone consonant as a word (OCR's leftover of a lost letter)
RARE = 200  # a word seen fewer times than this in the TNC is suspect
SPLIT_NATS = 2.5  # extra for a word of one or two letters beside a space OCR put between Thai letters
LOST_FIRST = 0.5  # Tesseract often loses the first letter of a line: half an edit
DOMAIN_FLOOR = 200  # the least frequency of a word of official subjects
DOMAIN_WEIGHT = 0.2  # share of the subject lexicon in the word prior
MARKS_RATIO = 20  # a word as read gives way to a spelling with other marks this many times more frequent
MAX_WORD = 16  # longest bare word tried
_THAI = re.compile(r"[ก-๛]")
_THAI_RUN = re.compile(r"[ก-ฺเ-๎]+")
_LONE_OK = frozenset("ณฯๆ")
_LEADING_VOWELS = frozenset("เแโใไ")
# Letters Tesseract's Thai model takes for one another (one shape with a small difference: a
# loop, a notch, a tail). A swap within a group costs half an edit.
CONFUSABLE_GROUPS = ("ขซชฃ", "กถภฎฏ", "มนหฆ", "บปษ", "ดคตฅ", "พฟฬผฝ", "รธว", "อฮ", "ลสศ", "ทฑ", "ใไ", "จฉ", "ยฤ", "าๅ")
CONFUSABLE = {(a, b) for g in CONFUSABLE_GROUPS for a in g for b in g if a != b}


def _sub_cost(a: str, b: str) -> float:
    return 0.0 if a == b else 0.5 if (a, b) in CONFUSABLE else 1.0


def _indel_cost(ch: str) -> float:
    return 0.4 if ch in _LEADING_VOWELS else 1.0


ADDED_COST = 1.5  # a letter read that the page did not have: Tesseract drops letters, it rarely adds one


def distance(read: str, word: str) -> float:
    """Weighted edit distance from the bare text as read to a word's bare form."""
    prev = [0.0]
    for ch in word:
        prev.append(prev[-1] + _indel_cost(ch))
    for a in read:
        cur = [prev[0] + ADDED_COST]
        for j, b in enumerate(word, 1):
            cur.append(min(prev[j] + ADDED_COST, cur[j - 1] + _indel_cost(b), prev[j - 1] + _sub_cost(a, b)))
        prev = cur
    return prev[-1]


@functools.cache
def _model():
    """(bare key -> word forms, word -> cost in nats, bare keys with one letter deleted -> keys)."""
    by_key, freq, _trie, words_set = _lexicon()
    by_key = {k: list(v) for k, v in by_key.items()}
    freq = dict(freq)
    total = max(1, sum(freq.values()))
    if DATA.exists():
        domain = {}
        for line in DATA.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                word, _, count = line.partition("\t")
                domain[word] = int(count or 1)
        n_domain = max(1, sum(domain.values()))
        for word, count in domain.items():
            # P(word) = (1 - w) P_TNC + w P_subjects: the words of official subjects are likelier here
            mixed = (1 - DOMAIN_WEIGHT) * freq.get(word, 0) + DOMAIN_WEIGHT * total * count / n_domain
            freq[word] = max(mixed, DOMAIN_FLOOR)
            forms = by_key.setdefault(bare(word), [])
            if word not in forms:
                forms.append(word)
    deletes: dict[str, set[str]] = {}
    for key in by_key:
        if 2 <= len(key) <= MAX_WORD:
            for i in range(len(key)):
                deletes.setdefault(key[:i] + key[i + 1 :], set()).add(key)
    return by_key, freq, total, deletes


def _word_cost(word: str, freq: dict, total: int) -> float:
    return -math.log((freq.get(word, 0) + 0.5) / total)


def _key_cost(key: str) -> tuple[float, str]:
    """The cheapest form of a bare key: (cost, word)."""
    by_key, freq, total, _ = _model()
    forms = by_key[key]
    best = max(forms, key=lambda w: freq.get(w, 0))
    return _word_cost(best, freq, total), best


def candidates(q: str) -> dict[str, float]:
    """Bare keys within one edit of *q*, with their weighted distance."""
    by_key, _, _, deletes = _model()
    out: dict[str, float] = {}
    keys = set(deletes.get(q, ()))  # the page had one letter more
    for i in range(len(q)):
        keys.update(deletes.get(q[:i] + q[i + 1 :], ()))  # one letter swapped
    if len(q) >= 5:  # a long piece may carry a letter the page did not have (a speck read as one)
        for i in range(len(q)):
            if q[:i] + q[i + 1 :] in by_key:
                keys.add(q[:i] + q[i + 1 :])
    keys.discard(q)
    for k in keys:
        dist = distance(q, k)
        if dist <= ADDED_COST:
            out[k] = dist
    return out


def _suspect(chunk_bare: str, spaces: set[int]) -> list[bool]:
    """Per bare letter: may the reading change here? Pieces no word or rare, lone letters, and the
    words on both sides of a space OCR put between Thai letters."""
    from pythainlp.tokenize import word_tokenize

    by_key, freq, _, _ = _model()
    sus = [False] * len(chunk_bare)
    pos = 0
    toks = word_tokenize(chunk_bare, engine="newmm", custom_dict=_bare_trie())
    spans = []
    for tok in toks:
        spans.append((pos, pos + len(tok)))
        pos += len(tok)
    for n, (s, e) in enumerate(spans):
        key = chunk_bare[s:e]
        forms = by_key.get(key)
        rare = not forms or max(freq.get(w, 0) for w in forms) < RARE or (e - s == 1 and key not in _LONE_OK)
        near_space = (s in spaces and s != 0) or e in spaces
        if rare or near_space:
            # a misread letter also misleads the cut into words: the neighbours are suspect too
            lo = spans[n - 1][0] if n > 0 else s
            hi = spans[n + 1][1] if n + 1 < len(spans) else e
            for i in range(lo, hi):
                sus[i] = True
    return sus


@functools.cache
def _bare_trie():
    from pythainlp.util import Trie

    return Trie(_model()[0].keys())


def _viterbi(key: str, sus: list[bool], spaces: set[int] = frozenset()) -> list[tuple[int, int, str | None, float]]:
    """The cheapest cut of *key* into words: (start, end, corrected bare key or None = as read, dist)."""
    by_key, freq, total, _ = _model()
    n = len(key)
    best: list[tuple[float, int, str | None, float]] = [(0.0, -1, None, 0.0)] + [(math.inf, -1, None, 0.0)] * n
    for s in range(n):
        base = best[s][0]
        if base == math.inf:
            continue
        for e in range(s + 1, min(n, s + MAX_WORD) + 1):
            q = key[s:e]
            opts: list[tuple[float, str | None, float]] = []
            if q in by_key:
                opts.append((_key_cost(q)[0], None, 0.0))
            elif q in _LONE_OK:  # ณ (at), ฯ, ๆ: words of one sign
                opts.append((_word_cost(q, freq, total), None, 0.0))
            elif e == s + 1:
                opts.append((OOV_NATS, None, 0.0))
            if any(sus[s:e]):
                for k, dist in candidates(q).items():
                    if s == 0 and k[1:] == q:  # the first letter of the subject's line, lost
                        dist = min(dist, LOST_FIRST)
                    opts.append((_key_cost(k)[0] + EDIT_NATS * dist, k, dist))
            for cost, k, dist in opts:
                word = k if k is not None else q
                if len(word) == 1 and word not in _LONE_OK:
                    cost += LONE_NATS
                if len(word) <= 2 and word not in _LONE_OK and ((s in spaces and s != 0) or e in spaces):
                    cost += SPLIT_NATS
                if base + cost < best[e][0]:
                    best[e] = (base + cost, s, k, dist)
    path = []
    e = n
    while e > 0:
        _, s, k, dist = best[e]
        path.append((s, e, k, dist))
        e = s
    return path[::-1]


def _fix(chunk: str, spaces: frozenset[int]) -> str:
    by_key, freq, _, _ = _model()
    base = [i for i, c in enumerate(chunk) if not _is_mark(c)]
    key = "".join(chunk[i] for i in base)
    if not key:
        return chunk
    bare_spaces = {j for j, i in enumerate(base) if i in spaces}
    sus = _suspect(key, bare_spaces)
    out = [chunk[: base[0]]]
    for s, e, k, _dist in _viterbi(key, sus, bare_spaces):
        start = base[s]
        end = base[e] if e < len(base) else len(chunk)
        read = chunk[start:end]
        if s in bare_spaces and s != 0:
            out.append(" ")  # a space OCR saw between two words is kept; one inside a word is not
        forms = by_key.get(k if k is not None else key[s:e], [])
        likeliest = max(forms, key=lambda w: freq.get(w, 0)) if forms else read
        if k is None and (not forms or freq.get(read, 0) * MARKS_RATIO >= freq.get(likeliest, 0)):
            out.append(read)  # as read: a word, or no word at all (a name, a letter)
        else:  # another word, or one with other marks far likelier (OCR's marks are unreliable)
            out.append(likeliest)
    return "".join(out)


# "ครั้งที่ 2/2567" (a meeting's number / its พ.ศ. year) is common in subjects, and Tesseract often
# reads its thin slash as a digit: "ครั้งที่ 222567". Only a run that cannot be a number on its own
# (a count, then one more digit, then 25xx) is mended; "ครั้งที่ 12567" is left as read.
_SESSION = re.compile(r"(ครั้งที่\s*)(\d{1,3}?)[0-9](25\d\d)(?![\d/])")


def mend_session_numbers(text: str) -> str:
    return _SESSION.sub(r"\1\2/\3", text)


def correct(text: str | None) -> str | None:
    """*text* (an OCR'd subject, marks already put back) with misread words replaced; digits,
    Latin and punctuation unchanged (but a meeting's number/year mended), spaces between words kept."""
    if not text or not _THAI.search(text):
        return text
    from scan.spelling import mend_runs

    return mend_session_numbers(mend_runs(text, _fix, is_run=lambda r: bool(_THAI_RUN.fullmatch(r)),
                                          joins=lambda _left, right: bool(_THAI_RUN.fullmatch(right))))

