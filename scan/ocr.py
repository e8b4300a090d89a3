"""Tesseract (Debian's ``tesseract-ocr`` with the ``tha`` model) as words with boxes.

The ``tesseract`` program is run directly with its TSV output rather than through pytesseract:
we need exactly one call shape, a per-call environment (one OpenMP thread, so a page costs one
core and the benchmark measures that) and a timeout, and the TSV is a dozen lines to read.

Known limit of Debian's Thai model: it has no glyphs for the Thai digits ๔ ๖ ๗ ๘ ๙, so a number
printed in Thai digits comes out wrong; :mod:`scan.reader` marks such fields doubtful.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import unicodedata

from scan.boxes import Word

LANG = "tha"
TIMEOUT_S = 60


class OcrUnavailable(RuntimeError):
    """Tesseract or its Thai model is not installed."""


def available() -> bool:
    """True when the ``tesseract`` program and its Thai model are installed."""
    exe = shutil.which("tesseract")
    if exe is None:
        return False
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return False
    return LANG in (out.stdout + out.stderr).split()


def words(png: bytes, *, psm: int = 3, dpi: int = 200) -> list[Word]:
    """The words Tesseract finds in the (PNG-encoded) image, each with its line key.

    One run writes both the TSV (boxes) and the plain text: for Thai the TSV's "words" are single
    glyphs and say nothing of spaces, while the plain text has the spaces the recogniser saw.
    :func:`merge` puts the two together into real words with boxes.
    """
    exe = shutil.which("tesseract")
    if exe is None:
        raise OcrUnavailable("tesseract is not installed (Debian: tesseract-ocr tesseract-ocr-tha)")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    with tempfile.TemporaryDirectory(prefix="saraban-ocr-") as tmp:
        base = os.path.join(tmp, "page")
        cmd = [exe, "stdin", base, "-l", LANG, "--oem", "1", "--psm", str(psm), "--dpi", str(dpi), "txt", "tsv"]
        try:
            done = subprocess.run(cmd, input=png, capture_output=True, timeout=TIMEOUT_S, env=env, check=False)
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError("tesseract took too long") from exc
        if done.returncode != 0:
            err = done.stderr.decode("utf-8", "replace")
            if "Failed loading language" in err or "Error opening data file" in err:
                raise OcrUnavailable(f"the Thai model is not installed: {err.strip()[:200]}")
            raise RuntimeError(f"tesseract failed: {err.strip()[:200]}")
        with open(base + ".tsv", encoding="utf-8", errors="replace") as fh:
            tsv = fh.read()
        with open(base + ".txt", encoding="utf-8", errors="replace") as fh:
            txt = fh.read()
    return merge(parse_tsv(tsv), txt)


def parse_tsv(tsv: str) -> list[Word]:
    """Level-5 rows of Tesseract's TSV as words (for Thai: glyphs) with their line key."""
    out: list[Word] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        if not text:
            continue
        left, top, width, height = (int(c) for c in cols[6:10])
        out.append(Word(text, left, top, left + width, top + height, float(cols[10]),
                        (int(cols[2]), int(cols[3]), int(cols[4]))))  # fmt: skip
    return out


def _nospace(text: str) -> str:
    return "".join(text.split())


def merge(glyphs: list[Word], txt: str) -> list[Word]:
    """Real words: the glyphs of each TSV line grouped where the plain text of the same line has
    its spaces. Both outputs come from one recognition, in the same line order; a line whose
    text cannot be matched keeps its glyphs as they are (no spaces is better than wrong ones)."""
    lines: dict[tuple, list[Word]] = {}
    for g in glyphs:
        lines.setdefault(g.line, []).append(g)
    texts = [t for t in (x.strip() for x in txt.splitlines()) if t]
    out: list[Word] = []
    ti = 0
    for key, line in lines.items():
        flat = "".join(g.text for g in line)
        spaced = None
        for j in range(ti, min(ti + 3, len(texts))):  # a line of stray marks may be missing from the text
            if _nospace(texts[j]) == flat:
                spaced, ti = texts[j], j + 1
                break
        if spaced is None:
            out.extend(line)
            continue
        # the word number of each non-space character of the spaced text
        word_of, n = [], 0
        for i, ch in enumerate(spaced):
            if ch.isspace():
                if i and not spaced[i - 1].isspace():
                    n += 1
                continue
            word_of.append(n)
        groups: dict[int, list[Word]] = {}
        pos = 0
        for g in line:
            groups.setdefault(word_of[pos], []).append(g)
            pos += len(g.text)
        for group in groups.values():
            bases = [g for g in group if not _is_mark_only(g.text)] or group
            out.append(Word("".join(g.text for g in group), min(g.x0 for g in bases), min(g.y0 for g in group),
                            max(g.x1 for g in bases), max(g.y1 for g in group), min(g.conf for g in group), key))  # fmt: skip
    return out


def _is_mark_only(text: str) -> bool:
    return all(unicodedata.category(c) == "Mn" for c in text)
