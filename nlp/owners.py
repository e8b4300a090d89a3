"""Who should own a new letter: suggested from the unit's own history of forwards.

Each suggestion is explained by the past subjects it rests on ("เหมือนเรื่อง … ที่ส่งให้ …"), so a
clerk can see why and overrule it.

Similarity is TF-IDF over character trigrams of the folded subject, spaces and digits removed:
Thai has no spaces between words, trigrams need no tokenizer (fast, nothing to load), and
dropping digits keeps years such as 2569, common to every subject of a year, from looking like
evidence. Rare trigrams (a project's name) weigh more than common ones (การ, ขอ).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


_DROP = re.compile(r"[\s\d๐-๙\u200b\u200c\u200d\u2060\ufeff\u00ad.,:;()\[\]\"'“”‘’/\\\-–—_!?ฯ]+")
_N = 3


@dataclass(frozen=True, slots=True)
class PastSubject:
    subject: str
    similarity: float  # cosine similarity to the new subject, 0-1


@dataclass(frozen=True, slots=True)
class OwnerSuggestion:
    owner_id: object
    owner_name: str
    score: float  # this owner's share of the evidence among the most similar past letters, 0-1
    similarity: float  # the best similarity of one of this owner's past subjects, 0-1
    examples: tuple[PastSubject, ...]
    reason: str  # Thai: "เหมือนเรื่อง “…” ที่ส่งให้ …"


def _grams(text: str) -> frozenset[str]:
    # Cheaper than a full fold (this runs once per history row): SARA AM recomposed, case folded,
    # digits (both scripts), zero-width characters, spaces and punctuation dropped.
    t = _DROP.sub("", text.replace("\u0e4d\u0e32", "\u0e33").lower())
    n = len(t) - _N + 1
    if n <= 0:
        return frozenset([t]) if t else frozenset()
    return frozenset(map(t.__getitem__, map(slice, range(n), range(_N, n + _N))))


def _row(row) -> tuple[str, object, str]:
    if isinstance(row, Mapping):
        return str(row["subject"]), row["owner_id"], str(row.get("owner_name") or row["owner_id"])
    if isinstance(row, tuple | list):
        subject, owner_id, *rest = row
        return str(subject), owner_id, str(rest[0] if rest else owner_id)
    return str(row.subject), row.owner_id, str(getattr(row, "owner_name", row.owner_id))


class OwnerIndex:
    """History of (subject, owner id, owner name), oldest first, indexed for suggestions."""

    def __init__(self, history: Iterable):
        rows = [_row(r) for r in history]
        self._subjects = [r[0] for r in rows]
        self._owners = [(r[1], r[2]) for r in rows]
        # Binary trigram sets weighted by IDF; each query intersects sets in C, so building is
        # cheap enough to do per call and a query over thousands of rows takes milliseconds.
        self._sets = [_grams(s) for s in self._subjects]
        df: Counter[str] = Counter()
        for g in self._sets:
            df.update(g)
        n = max(len(rows), 1)
        self._idf = {g: math.log(1 + n / c) for g, c in df.items()}
        self._idf2 = {g: w * w for g, w in self._idf.items()}
        self._norms = [math.sqrt(sum(map(self._idf2.__getitem__, g))) or 1.0 for g in self._sets]
        self._unknown_idf = math.log(1 + n)

    def __len__(self) -> int:
        return len(self._subjects)

    def similar(self, subject: str, *, limit: int = 10, min_similarity: float = 0.2) -> list[tuple[int, float]]:
        """Past rows most similar to *subject*: (row index, cosine similarity), best first."""
        g = _grams(subject)
        if not g or not self._subjects:
            return []
        # Cosine of IDF-weighted binary vectors: a shared trigram contributes idf²; a trigram
        # never seen in the history still counts in the query's norm.
        qnorm = math.sqrt(sum(self._idf.get(k, self._unknown_idf) ** 2 for k in g)) or 1.0
        idf2 = self._idf2.__getitem__
        scores: dict[int, float] = {}
        for doc, doc_grams in enumerate(self._sets):
            shared = doc_grams & g
            if shared:
                scores[doc] = sum(map(idf2, shared)) / (qnorm * self._norms[doc])
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], -kv[0]))  # later rows win ties
        return [(doc, min(s, 1.0)) for doc, s in ranked[:limit] if s >= min_similarity]

    def suggest(self, subject: str, *, limit: int = 3, min_similarity: float = 0.2) -> list[OwnerSuggestion]:
        """Ranked likely owners for a new letter with this subject, each with its evidence."""
        near = self.similar(subject, limit=10, min_similarity=min_similarity)
        if not near:
            return []
        total = sum(s for _, s in near)
        by_owner: dict[object, list[tuple[int, float]]] = defaultdict(list)
        for doc, s in near:
            by_owner[self._owners[doc][0]].append((doc, s))
        suggestions = []
        for owner_id, docs in by_owner.items():
            name = self._owners[docs[0][0]][1]
            examples: list[PastSubject] = []
            seen: set[str] = set()
            for doc, s in docs:
                if self._subjects[doc] not in seen:
                    seen.add(self._subjects[doc])
                    examples.append(PastSubject(self._subjects[doc], round(s, 3)))
            best = examples[0]
            reason = f"เหมือนเรื่อง “{_short(best.subject)}” ที่ส่งให้ {name}"
            if len(examples) > 1:
                reason += f" (และเรื่องคล้ายกันอีก {len(examples) - 1} เรื่อง)"
            suggestions.append(
                OwnerSuggestion(owner_id, name, round(sum(s for _, s in docs) / total, 3), best.similarity,
                                tuple(examples[:3]), reason)  # fmt: skip
            )
        suggestions.sort(key=lambda o: (-o.score, -o.similarity))
        return suggestions[:limit]


def _short(subject: str, width: int = 60) -> str:
    subject = " ".join(subject.split())
    return subject if len(subject) <= width else subject[: width - 1] + "…"


def suggest_owners(subject: str, history: Iterable, *, limit: int = 3) -> list[OwnerSuggestion]:
    """One-off suggestion; for repeated use keep an :class:`OwnerIndex` of the unit's history."""
    return OwnerIndex(history).suggest(subject, limit=limit)
