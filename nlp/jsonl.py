"""The ``saraban parse`` contract: JSON lines in, one JSON object per line out, in input order.

Each input line is ``{"text": "…"}`` (other keys are ignored; an ``id`` is echoed back). Every
input line, blank or broken, yields exactly one output line, so outputs can be zipped with
inputs; a line that is not a message gives ``intent: "unknown"`` and an ``errors`` entry, and
the stream goes on.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import TextIO

from nlp.parse import parse_message
from nlp.result import ParseResult


def parse_line(line: str, *, today: dt.date | None = None) -> dict:
    """The output object for one input line (without its newline)."""
    if not line.strip():
        return ParseResult.failed("บรรทัดว่าง: ไม่มีข้อความให้อ่าน").to_json()
    try:
        obj = json.loads(line)
    except ValueError:
        return ParseResult.failed('อ่าน JSON ไม่ได้: แต่ละบรรทัดต้องเป็น {"text": "…"}').to_json()
    if not isinstance(obj, dict) or "text" not in obj:
        return ParseResult.failed('ไม่มีช่อง "text" ในบรรทัดนี้').to_json()
    text = obj["text"]
    if not isinstance(text, str):
        out = ParseResult.failed('ช่อง "text" ต้องเป็นข้อความ (string)').to_json()
    else:
        try:
            out = parse_message(text, today=today).to_json()
        except Exception as exc:  # a parser bug must cost one line, never the stream
            out = ParseResult.failed(f"อ่านข้อความไม่สำเร็จ ({type(exc).__name__})").to_json()
    if "id" in obj:
        out = {"id": obj["id"], **out}
    return out


def _lines(stream: TextIO) -> Iterator[str]:
    # Read the bytes when there are any: a stray invalid byte must cost one line, not the stream,
    # and the input is UTF-8 whatever the locale says.
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        yield from stream
        return
    for raw in buffer:
        yield raw.decode("utf-8", "replace")


def run(stdin: TextIO, stdout: TextIO, *, today: dt.date | None = None) -> int:
    """Read JSON lines from *stdin*, write one JSON object per line to *stdout*; returns 0.

    Output is UTF-8 (``ensure_ascii=False``) whatever the locale, complete when input ends.
    """
    buffer = getattr(stdout, "buffer", None)
    if buffer is not None:
        stdout.flush()
    for line in _lines(stdin):
        out = parse_line(line.rstrip("\r\n"), today=today)
        encoded = json.dumps(out, ensure_ascii=False)
        try:
            data = encoded.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates from "\ud800" escapes: write them escaped
            encoded = json.dumps(out)
            data = encoded.encode("ascii")
        if buffer is not None:
            buffer.write(data + b"\n")
        else:
            stdout.write(encoded + "\n")
    (buffer or stdout).flush()
    return 0
