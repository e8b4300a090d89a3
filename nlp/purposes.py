"""The purposes of a forward (เพื่อทราบ / เพื่อพิจารณา / เพื่อดำเนินการ / เพื่อลงนาม): one vocabulary.

The parser emits these codes and the register stores them (``registry.commands`` takes its
``PURPOSES`` and ``PURPOSE_TH`` from here), so a purpose read from chat needs no translation table.
"""

from __future__ import annotations

# code -> the Thai phrase shown on buttons and cards
PURPOSE_TH: dict[str, str] = {
    "inform": "เพื่อทราบ",
    "consider": "เพื่อพิจารณา",
    "act": "เพื่อดำเนินการ",
    "sign": "เพื่อลงนาม",
}
PURPOSES: tuple[str, ...] = tuple(PURPOSE_TH)
# the word after เพื่อ (or alone at the end of a request) -> code
PURPOSE_WORDS: dict[str, str] = {
    "ทราบ": "inform",
    "พิจารณา": "consider",
    "ดำเนินการ": "act",
    "ลงนาม": "sign",
}
