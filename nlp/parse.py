"""``parse_message``: one chat message -> intent, SPEC F2 fields, confidences, spans, errors."""

from __future__ import annotations

import datetime as dt
import re

from nlp import intents
from nlp.fields import LetterFields, extract_letter_fields
from nlp.normalize import Working, clean_value, working_text
from nlp.refno import find_strict, normalize_ref_no
from nlp.result import Field, ParseError, ParseResult

_OUTGOING_TO = re.compile(r"(?<![ก-๎])(?:ส่งถึง|ให้แก่|ไปยัง|ให้)\s*")


def parse_message(text: str, *, today: dt.date | None = None, directory=None) -> ParseResult:
    """Parse one message. Never raises on any string; invalid content is reported in ``errors``.

    *today* anchors relative dates (วันนี้ / เมื่อวาน / เมื่อวานซืน) and dates written without a year;
    by default it is today in Asia/Bangkok. *directory* (a :class:`nlp.directory.Directory`, or
    entries to build one from) adds the top 3 directory matches of the sender.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_message expects str, not {type(text).__name__}")
    w = working_text(text)
    t = w.text
    command = intents.detect_command(t)
    raw: dict[str, tuple[object, int, int, float]] = {}
    errors: list[tuple[str, str, int, int]] = []
    intent, confidence = "unknown", 0.9

    if command is None or command.intent in ("register_incoming", "register_outgoing"):
        outgoing = command is not None and command.intent == "register_outgoing"
        letter = extract_letter_fields(
            t, command.end if command else 0, today=today, outgoing=outgoing, cells=_cell_breaks(w)
        )
        if command is not None:
            intent, confidence = command.intent, command.confidence
        elif _looks_like_letter(letter):
            # A header pasted without a command (e.g. from a web list) is a registration request.
            intent, confidence = "register_incoming", 0.75
        if intent != "unknown":
            raw.update({k: (f.value, f.start, f.end, f.confidence) for k, f in letter.found.items()})
            errors.extend(letter.errors)
            if intent == "register_outgoing":
                _outgoing_recipient(t, command.end if command else 0, letter.first_label, raw)
    else:
        intent, confidence = command.intent, command.confidence
        raw.update(_command_args(t, command))

    return _result(w, intent, confidence, raw, errors, directory)


def _cell_breaks(w: Working) -> tuple[int, ...]:
    """Spaces of the working text that stand for a tab or a wide gap of the original: the
    borders of cells in a row copied from a table, or of columns in a letter's layout."""
    if "\t" not in w.original and "    " not in w.original:
        return ()
    t, index, original = w.text, w.index, w.original
    out = []
    for i, ch in enumerate(t):
        if ch != " ":
            continue
        o = index[i] if index is not None else i
        nxt = index[i + 1] if index is not None and i + 1 < len(t) else o + 1
        if original[o] == "\t" or nxt - o >= 4:
            out.append(i)
    return tuple(out)


def _looks_like_letter(letter: LetterFields) -> bool:
    found = letter.found
    core = sum(name in found for name in ("ref_no", "letter_date", "subject", "sender"))
    # a date and some words alone are chat ("ประชุมที่ห้อง 301 วันที่ 5 มี.ค. นะครับ"), not a header
    named = "ref_no" in found or "sender" in found
    return (core >= 2 and named) or (core >= 1 and letter.labels >= 2)


def _outgoing_recipient(t: str, start: int, stop: int, raw: dict) -> None:
    if "addressee" in raw:
        raw["recipient"] = raw["addressee"]
        return
    m = _OUTGOING_TO.search(t, start, stop)
    if m is not None:
        s, e = intents.strip_polite(t, m.end(), stop)
        if e > s:
            raw["recipient"] = (None, s, e, 0.8)


def _command_args(t: str, command: intents.Command) -> dict:
    kind = command.intent
    if kind == "forward":
        return intents.forward_args(t, command.end)
    if kind in ("acknowledge", "reject", "close", "cancel"):
        return intents.number_args(t, command.end, command.number_first)
    if kind == "status":
        args = intents.number_args(t, command.end, command.number_first)
        ref = find_strict(t, command.end)
        if ref is not None:  # "สถานะ มท 0808.2/ว 1095": asked by the sender's number
            args["ref_no"] = (None, ref.start(), ref.end(), 0.8)
            if "number" in args and ref.start() <= args["number"][1] < ref.end():
                del args["number"]
        return args
    if kind == "search":
        return intents.search_args(t, command.end)
    if kind == "link_account":
        return intents.link_args(t, command.end)
    if kind == "audit_sample":
        return intents.audit_args(t, command.end)
    return {}


def _result(
    w: Working,
    intent: str,
    confidence: float,
    raw: dict[str, tuple[object, int, int, float]],
    errors: list[tuple[str, str, int, int]],
    directory,
) -> ParseResult:
    fields: dict[str, Field] = {}
    for name, (value, start, end, conf) in raw.items():
        span = w.span(start, end)
        if value is None:
            if name == "secrecy":  # "ชั้นความลับ ปกติ": explicitly not classified
                continue
            value = clean_value(w.original[span[0] : span[1]])
            if not value:
                continue
        fields[name] = Field(value, conf, span)
    ref = fields.get("ref_no")
    matches: tuple = ()
    if directory is not None and ("sender" in fields or ref is not None):
        from nlp.directory import as_directory

        d = as_directory(directory)
        if "sender" in fields:
            matches = tuple(d.match(str(fields["sender"].value)))
        if not matches and ref is not None:  # no sender written: the reference number's code
            matches = tuple(d.match_ref_no(str(ref.value)))
    return ParseResult(
        intent=intent,
        intent_confidence=confidence,
        ref_no_normalized=normalize_ref_no(str(ref.value)) if ref else None,
        errors=tuple(ParseError(f, msg, w.span(s, e)) for f, msg, s, e in errors),
        sender_matches=matches,
        **fields,
    )
