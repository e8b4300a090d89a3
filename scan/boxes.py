"""Words with boxes, and the lines ("segments") built from them, whatever read the page.

Both readers (the PDF text layer and Tesseract) give words with a box in page pixels (origin top
left) and a confidence; the layout reader works only on these, so a text PDF and a photo are read
by the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    conf: float = 100.0  # 0-100, Tesseract's scale
    line: tuple = ()  # the reader's own line key, when it has one (Tesseract: block, par, line)


@dataclass(frozen=True, slots=True)
class Segment:
    """Words of one line that belong together: a line split where a wide gap separates columns
    (the ที่ line and the agency name share a baseline but are two segments)."""

    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def y0(self) -> float:
        return min(w.y0 for w in self.words)

    @property
    def y1(self) -> float:
        return max(w.y1 for w in self.words)

    @property
    def cy(self) -> float:
        return median((w.y0 + w.y1) / 2 for w in self.words)

    @property
    def conf(self) -> float:
        """The weakest word: one misread word is enough to make a reference number wrong. Specks
        (a "word" of punctuation: dust beside the line) do not count."""
        real = [w.conf for w in self.words if any(c.isalnum() for c in w.text)]
        return min(real) if real else min(w.conf for w in self.words)

    def to_json(self) -> dict:
        return {"text": self.text, "box": [round(self.x0), round(self.y0), round(self.x1), round(self.y1)],
                "confidence": round(self.conf / 100, 2)}  # fmt: skip


def _split(words: list[Word], gap: float) -> list[Segment]:
    words = sorted(words, key=lambda w: w.x0)
    out, cur = [], [words[0]]
    for w in words[1:]:
        if w.x0 - max(c.x1 for c in cur) > gap:
            out.append(Segment(tuple(cur)))
            cur = [w]
        else:
            cur.append(w)
    out.append(Segment(tuple(cur)))
    return out


def segments(words: list[Word], page_width: float) -> list[Segment]:
    """Group words into line segments, top to bottom.

    Words that carry a reader's line key (Tesseract follows a slightly skewed line better than a
    horizontal band would) are grouped by it; others by vertical overlap. A line is then split at
    gaps wider than 6 % of the page: wider than any space between words of one phrase, narrower
    than the space between the ที่ line and the agency block.
    """
    words = [w for w in words if w.text.strip()]
    if not words:
        return []
    gap = 0.06 * page_width
    lines: list[list[Word]] = []
    if all(w.line for w in words):
        keyed: dict[tuple, list[Word]] = {}
        for w in words:
            keyed.setdefault(w.line, []).append(w)
        lines = list(keyed.values())
    else:
        for w in sorted(words, key=lambda w: (w.y0 + w.y1) / 2):
            cy, h = (w.y0 + w.y1) / 2, w.y1 - w.y0
            for line in reversed(lines[-4:]):
                top = median(x.y0 for x in line)
                bottom = median(x.y1 for x in line)
                if top - 0.2 * h <= cy <= bottom + 0.2 * h:
                    line.append(w)
                    break
            else:
                lines.append([w])
    segs = [s for line in lines for s in _split(line, gap)]
    return sorted(segs, key=lambda s: (round(s.cy), s.x0))


def line_height(segs: list[Segment]) -> float:
    """A typical text height: the median word height (Thai marks make single words vary)."""
    hs = [w.y1 - w.y0 for s in segs for w in s.words if len(w.text) > 2]
    return median(hs) if hs else 40.0
