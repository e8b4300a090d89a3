"""Which organisation a sender is: a directory of units and external organisations.

The directory itself is data supplied by the caller (the registry's units with their codes, plus
external organisations): codes and names change when departments are reorganised, so nothing
about a particular unit is hard-coded here. What *is* built in is the language: common Thai
government abbreviations (สป.มท., ปภ., สถ., …) and abbreviated words inside names (สนง., อบต., จ.).

Order of evidence, strongest first:

1. the sender text *is* an entry's name, alias or abbreviation (after dots and spaces are ignored);
2. it is a built-in abbreviation whose full name is an entry's name or alias;
3. RapidFuzz over names and aliases with abbreviations expanded. ``processor=None`` on purpose:
   RapidFuzz's default processor replaces Thai vowel and tone marks with spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from nlp.normalize import fold
from nlp.refno import normalize_ref_no
from nlp.result import SenderMatch

# Full name -> abbreviations in use (ministry codes of reference numbers included: มท, กค, …).
BUILTIN_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "กระทรวงมหาดไทย": ("มท.", "มท"),
    "สำนักงานปลัดกระทรวงมหาดไทย": ("สป.มท.", "สป.มท", "สปมท"),
    "กรมการปกครอง": ("ปค.",),
    "กรมการพัฒนาชุมชน": ("พช.",),
    "กรมที่ดิน": ("ทด.",),
    "กรมป้องกันและบรรเทาสาธารณภัย": ("ปภ.",),
    "กรมโยธาธิการและผังเมือง": ("ยผ.",),
    "กรมส่งเสริมการปกครองท้องถิ่น": ("สถ.",),
    "การประปาส่วนภูมิภาค": ("กปภ.",),
    "การประปานครหลวง": ("กปน.",),
    "การไฟฟ้าส่วนภูมิภาค": ("กฟภ.",),
    "การไฟฟ้านครหลวง": ("กฟน.",),
    "การไฟฟ้าฝ่ายผลิตแห่งประเทศไทย": ("กฟผ.",),
    "กรุงเทพมหานคร": ("กทม.",),
    "กระทรวงการคลัง": ("กค.", "กค"),
    "กรมบัญชีกลาง": ("กรมบัญชีกลาง กระทรวงการคลัง",),
    "กระทรวงกลาโหม": ("กห.", "กห"),
    "กระทรวงการต่างประเทศ": ("กต.", "กต"),
    "กระทรวงการท่องเที่ยวและกีฬา": ("กก.", "กก"),
    "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์": ("พม.", "พม"),
    "กระทรวงการอุดมศึกษา วิทยาศาสตร์ วิจัยและนวัตกรรม": ("อว.", "อว"),
    "กระทรวงเกษตรและสหกรณ์": ("กษ.", "กษ"),
    "กระทรวงคมนาคม": ("คค.", "คค"),
    "กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม": ("ดศ.", "ดศ"),
    "กระทรวงทรัพยากรธรรมชาติและสิ่งแวดล้อม": ("ทส.", "ทส"),
    "กระทรวงพลังงาน": ("พน.", "พน"),
    "กระทรวงพาณิชย์": ("พณ.", "พณ"),
    "กระทรวงยุติธรรม": ("ยธ.", "ยธ"),
    "กระทรวงแรงงาน": ("รง.", "รง"),
    "กระทรวงวัฒนธรรม": ("วธ.", "วธ"),
    "กระทรวงศึกษาธิการ": ("ศธ.", "ศธ"),
    "กระทรวงสาธารณสุข": ("สธ.", "สธ"),
    "กระทรวงอุตสาหกรรม": ("อก.", "อก"),
    "สำนักนายกรัฐมนตรี": ("นร.", "นร"),
    "สำนักงานตำรวจแห่งชาติ": ("ตช.", "สตช.", "ตช"),
    "สำนักงบประมาณ": ("สงป.",),
    "สำนักงานคณะกรรมการข้าราชการพลเรือน": ("ก.พ.", "สำนักงาน ก.พ.", "สนง.ก.พ."),
    "สำนักงานสภาพัฒนาการเศรษฐกิจและสังคมแห่งชาติ": ("สศช.",),
    "สำนักงานการตรวจเงินแผ่นดิน": ("สตง.",),
    "สำนักงานคณะกรรมการป้องกันและปราบปรามการทุจริตแห่งชาติ": ("ป.ป.ช.", "สำนักงาน ป.ป.ช."),
    "สำนักงานคณะกรรมการป้องกันและปราบปรามการทุจริตในภาครัฐ": ("ป.ป.ท.", "สำนักงาน ป.ป.ท."),
    "สำนักงานคณะกรรมการป้องกันและปราบปรามยาเสพติด": ("ป.ป.ส.", "สำนักงาน ป.ป.ส."),
    "สำนักเลขาธิการคณะรัฐมนตรี": ("สลค.",),
    "สำนักงานปลัดสำนักนายกรัฐมนตรี": ("สปน.",),
    "สำนักงานคณะกรรมการกฤษฎีกา": ("สคก.",),
    "สำนักงานคณะกรรมการการเลือกตั้ง": ("กกต.", "สำนักงาน กกต."),
    "สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน": ("สพฐ.",),
    "สำนักงานคณะกรรมการนโยบายเขตพัฒนาพิเศษภาคตะวันออก": ("สกพอ.", "สกพอ"),
    "สำนักงานคณะกรรมการกำกับกิจการพลังงาน": ("สำนักงาน กกพ.", "สกพ."),
    "องค์การบริหารส่วนจังหวัด": ("อบจ.",),
    "ศูนย์อำนวยการป้องกันและปราบปรามยาเสพติดจังหวัด": ("ศอ.ปส.จ.",),
}
# Abbreviated words inside names: "สนง.จังหวัดระยอง" is "สำนักงานจังหวัดระยอง".
WORD_ABBREVIATIONS: dict[str, str] = {
    "สนง.": "สำนักงาน",
    "สำนักงาน.": "สำนักงาน",
    "จ.": "จังหวัด",
    "อ.": "อำเภอ",
    "ต.": "ตำบล",
    "อบจ.": "องค์การบริหารส่วนจังหวัด",
    "อบต.": "องค์การบริหารส่วนตำบล",
    "ทต.": "เทศบาลตำบล",
    "ทม.": "เทศบาลเมือง",
    "ทน.": "เทศบาลนคร",
    "รพ.": "โรงพยาบาล",
    "รพ.สต.": "โรงพยาบาลส่งเสริมสุขภาพตำบล",
    "รร.": "โรงเรียน",
    "สภ.": "สถานีตำรวจภูธร",
    "ผวจ.": "ผู้ว่าราชการจังหวัด",
    "นอ.": "นายอำเภอ",
    "สสจ.": "สำนักงานสาธารณสุขจังหวัด",
    "สนจ.": "สำนักงานจังหวัด",
    "ปภ.จ.": "สำนักงานป้องกันและบรรเทาสาธารณภัยจังหวัด",
    "พช.จ.": "สำนักงานพัฒนาชุมชนจังหวัด",
    "ศอ.ปส.จ.": "ศูนย์อำนวยการป้องกันและปราบปรามยาเสพติดจังหวัด",
    "กทม.": "กรุงเทพมหานคร",
}

_DOTS_SPACES = re.compile(r"[.\s]+")
_WS = re.compile(r"\s+")
_ABBR_TOKEN = re.compile(r"(?<![ก-๎])[ก-ฮ]{1,5}\.(?:[ก-ฮ]{1,5}\.)*")


def key(text: str) -> str:
    """Exact-match key: folded, with dots and spaces ignored ("สป. มท." = "สปมท")."""
    return _DOTS_SPACES.sub("", fold(text))


def _word_table() -> dict[str, str]:
    table = {key(a): full for a, full in WORD_ABBREVIATIONS.items()}
    for full, abbrs in BUILTIN_ABBREVIATIONS.items():
        for a in abbrs:
            if "." in a and " " not in a:
                table.setdefault(key(a), full)
    return table


_WORDS = _word_table()
_ABBR_TO_FULL = {key(a): full for full, abbrs in BUILTIN_ABBREVIATIONS.items() for a in abbrs}
_FULL_TO_ABBRS = {key(full): tuple(key(a) for a in abbrs) for full, abbrs in BUILTIN_ABBREVIATIONS.items()}


def expand_abbreviations(text: str) -> str:
    """Folded text with dotted abbreviations written out (สนง.จังหวัดระยอง -> สำนักงานจังหวัดระยอง)."""
    folded = fold(text)

    def full(m: re.Match[str]) -> str:
        token = m.group()
        whole = _WORDS.get(key(token))
        if whole is not None:
            return whole
        # "สนง.จ.ระยอง": two abbreviated words written together
        parts = [p for p in token.split(".") if p]
        return "".join(_WORDS.get(p, p + ".") for p in parts)

    return _WS.sub(" ", _ABBR_TOKEN.sub(full, folded)).strip()


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    """A unit of the registry or an external organisation."""

    id: object
    name: str
    aliases: tuple[str, ...] = ()
    code: str | None = None  # the prefix of its reference numbers, e.g. "มท 0201.2"


def _coerce(entry: DirectoryEntry | Mapping) -> DirectoryEntry:
    if isinstance(entry, DirectoryEntry):
        return entry
    aliases = entry.get("aliases") or ()
    if isinstance(aliases, str):
        aliases = (aliases,)
    return DirectoryEntry(entry["id"], entry["name"], tuple(aliases), entry.get("code"))


class Directory:
    """An index over directory entries; build it once and reuse it (building is the slow part)."""

    def __init__(self, entries: Iterable[DirectoryEntry | Mapping]):
        self.entries: list[DirectoryEntry] = [_coerce(e) for e in entries]
        self._exact: dict[str, list[tuple[int, str]]] = {}
        self._codes: list[tuple[str, int]] = []
        self._choices: list[str] = []
        self._choice_entry: list[int] = []
        for i, entry in enumerate(self.entries):
            self._add_exact(key(entry.name), i, "name")
            for alias in entry.aliases:
                self._add_exact(key(alias), i, "alias")
            for written in (entry.name, *entry.aliases):
                k = key(written)
                if k in _ABBR_TO_FULL:  # the entry is written as an abbreviation: know its full name
                    self._add_exact(key(_ABBR_TO_FULL[k]), i, "abbreviation")
                for abbr in _FULL_TO_ABBRS.get(k, ()):  # and an entry written in full: its abbreviations
                    self._add_exact(abbr, i, "abbreviation")
                for choice in {fold(written), expand_abbreviations(written)}:
                    self._choices.append(choice)
                    self._choice_entry.append(i)
            if entry.code:
                self._codes.append((normalize_ref_no(entry.code).rstrip("/"), i))
        self._codes.sort(key=lambda c: -len(c[0]))

    def _add_exact(self, k: str, i: int, via: str) -> None:
        if not k:
            return
        hits = self._exact.setdefault(k, [])
        if all(j != i for j, _ in hits):
            hits.append((i, via))

    def match(self, text: str, *, limit: int = 3, score_cutoff: float = 60.0) -> list[SenderMatch]:
        """The best *limit* entries for a sender text, best first, each with a 0-100 score."""
        if not text or not text.strip():
            return []
        best: dict[int, tuple[float, str]] = {}
        k = key(text)
        for i, via in self._exact.get(k, ()):
            best[i] = (100.0 if via != "abbreviation" else 98.0, via)
        if k in _ABBR_TO_FULL:
            for i, _ in self._exact.get(key(_ABBR_TO_FULL[k]), ()):
                best.setdefault(i, (98.0, "abbreviation"))
        if len(best) < limit and self._choices:
            from rapidfuzz import fuzz, process

            expanded = expand_abbreviations(text)
            queries = {fold(text), expanded}
            if k in _ABBR_TO_FULL:
                queries.add(fold(_ABBR_TO_FULL[k]))
            # "<unit> <parent>": the first part names the most specific organisation.
            head = expanded.split(" ")[0]
            if len(head) >= 6:
                queries.add(head)
            for q in queries:
                for _, score, idx in process.extract(
                    q, self._choices, scorer=fuzz.WRatio, processor=None, limit=limit * 4, score_cutoff=score_cutoff
                ):
                    i = self._choice_entry[idx]
                    score = min(float(score), 97.0)  # never above an exact name, alias or abbreviation
                    if i not in best or best[i][0] < score and best[i][1] == "fuzzy":
                        best[i] = (score, "fuzzy")
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], len(self.entries[kv[0]].name)))
        return [SenderMatch(self.entries[i].id, self.entries[i].name, s, via) for i, (s, via) in ranked[:limit]]

    def match_ref_no(self, ref_no: str, *, limit: int = 3) -> list[SenderMatch]:
        """Entries whose code begins the reference number (``มท 0201.2/ว 5`` -> ``มท 0201.2``)."""
        head = normalize_ref_no(ref_no).split("/")[0]
        out = []
        for code, i in self._codes:
            if head == code:
                score = 95.0
            elif head.startswith(code + "."):
                score = 85.0  # a sub-unit of that code
            elif head.startswith(code) and not any(ch.isdigit() for ch in code):
                score = 60.0  # only the ministry letters agree
            else:
                continue
            out.append(SenderMatch(self.entries[i].id, self.entries[i].name, score, "code"))
        out.sort(key=lambda m: -m.score)
        return out[:limit]


def as_directory(directory: Directory | Iterable) -> Directory:
    return directory if isinstance(directory, Directory) else Directory(directory)
