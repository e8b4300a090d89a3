"""Letter header fields (ที่, ลงวันที่, จาก, ถึง/เรียน, เรื่อง, …) from normalised text.

The public surface is :func:`extract_letter_fields` and what it returns (:class:`LetterFields`,
:class:`Found`), plus the priority and secrecy words. The modules, in the order a message meets them:

* ``words``   — every Thai word the parser looks for (labels, months, organisation heads, chat
  words): the one file a Thai-language maintainer edits; its docstring says how;
* ``extract`` — :func:`extract_letter_fields`, and the approach as a whole (read its docstring first);
* ``labels``  — finding labels and deciding which ones count;
* ``regions`` — reading the text after each accepted label (and the subject's tail);
* ``free``    — reading text no label explains (before the first label, unlabelled lines);
* ``items``   — what stands on its own anywhere: dates, reference numbers, ด่วน/ลับ words;
* ``names``   — how organisations' names, subjects and letter bodies begin;
* ``chatter`` — chat typed around a header (ครับ/ค่ะ, "ลงรับด้วยครับ", emoji);
* ``spans``, ``found`` — positions in the text, and the result.

The modules share their underscore helpers with each other; only the names below are public.
Exports are resolved on first use so that :mod:`nlp.dates` can read the month names from
``words`` without importing the whole parser (which itself imports :mod:`nlp.dates`).
"""

from __future__ import annotations

import importlib

__all__ = ["Found", "LetterFields", "PRIORITY_WORDS", "SECRECY_WORDS", "extract_letter_fields"]

_HOME = {
    "extract_letter_fields": "nlp.fields.extract",
    "Found": "nlp.fields.found",
    "LetterFields": "nlp.fields.found",
    "PRIORITY_WORDS": "nlp.fields.words",
    "SECRECY_WORDS": "nlp.fields.words",
}


def __getattr__(name: str):
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'nlp.fields' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
