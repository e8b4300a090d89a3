"""The saraban parse contract: one JSON object per input line, in order, whatever the line is."""

from __future__ import annotations

import datetime as dt
import io
import json

from nlp.jsonl import run
from nlp.result import FIELD_NAMES


def _run(text: str) -> list[dict]:
    out = io.StringIO()
    assert run(io.StringIO(text), out, today=dt.date(2026, 3, 20)) == 0
    body = out.getvalue()
    assert body.endswith("\n") or body == ""
    return [json.loads(line) for line in body.splitlines()]


def test_one_object_per_line_in_order():
    lines = [{"text": f"รับทราบ {n}"} for n in range(1, 51)]
    outputs = _run("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines))
    assert [o["number"] for o in outputs] == [str(n) for n in range(1, 51)]
    assert all(o["intent"] == "acknowledge" for o in outputs)


def test_output_is_utf8_json_with_every_key():
    out = io.StringIO()
    run(io.StringIO('{"text": "ค้นหา น้ำท่วม"}\n'), out)
    assert "น้ำท่วม" in out.getvalue()  # ensure_ascii=False
    obj = json.loads(out.getvalue())
    for key in ("intent", *FIELD_NAMES, "confidence", "spans", "errors"):
        assert key in obj


def test_malformed_lines_do_not_stop_the_stream():
    text = "\n".join(
        [
            '{"text": "รับทราบ 1"}',
            "{not json",
            "",
            '{"msg": "no text"}',
            '{"text": 42}',
            '["text"]',
            '{"text": null}',
            "   ",
            '{"text": "ปิดเรื่อง 2", "id": "case-7"}',
        ]
    )
    outputs = _run(text + "\n")
    assert len(outputs) == 9
    assert outputs[0]["intent"] == "acknowledge" and outputs[0]["errors"] == []
    for bad in outputs[1:8]:
        assert bad["intent"] == "unknown"
        assert len(bad["errors"]) == 1 and bad["errors"][0]["message"]
        assert all(bad[name] is None for name in FIELD_NAMES if name != "priority")
    assert outputs[-1]["intent"] == "close" and outputs[-1]["number"] == "2" and outputs[-1]["id"] == "case-7"


def test_last_line_without_newline_and_crlf():
    outputs = _run('{"text": "รับทราบ 1"}\r\n{"text": "รับทราบ 2"}')
    assert [o["number"] for o in outputs] == ["1", "2"]


def test_empty_input_gives_empty_output():
    assert _run("") == []


def test_lone_surrogate_is_written_as_valid_json():
    out = io.StringIO()
    run(io.StringIO('{"text": "รับทราบ 3 \\ud800"}\n'), out)
    out.getvalue().encode("utf-8")
    assert json.loads(out.getvalue())["number"] == "3"


def test_byte_streams_survive_invalid_utf8(tmp_path):
    # Real stdin/stdout have a byte buffer: invalid bytes cost one line, output is UTF-8.
    raw = '{"text": "รับทราบ 1"}\n'.encode() + b'{"text": "\xff\xfe"}\n' + '{"text": "รับทราบ 2"}\n'.encode()
    src = tmp_path / "in.jsonl"
    src.write_bytes(raw)
    dst = tmp_path / "out.jsonl"
    with open(src, encoding="ascii") as stdin, open(dst, "w", encoding="ascii") as stdout:
        assert run(stdin, stdout) == 0
    lines = dst.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    assert [json.loads(x)["intent"] for x in lines] == ["acknowledge", "unknown", "acknowledge"]


def test_cli_contract_in_a_subprocess():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = "import sys; from nlp.jsonl import run; raise SystemExit(run(sys.stdin, sys.stdout))"
    lines = ['{"text": "ส่งต่อ 12 ให้ กองคลัง"}', "oops", '{"text": "ค้นหา น้ำท่วม"}']
    proc = subprocess.run(
        [sys.executable, "-c", code], input="\n".join(lines).encode(), capture_output=True, cwd=root, check=True,
        env={"PYTHAINLP_OFFLINE": "1", "PYTHAINLP_READ_ONLY": "1", "PATH": "/usr/bin:/bin", "LANG": "C"},
    )  # fmt: skip
    outputs = [json.loads(x) for x in proc.stdout.decode("utf-8").splitlines()]
    assert [o["intent"] for o in outputs] == ["forward", "unknown", "search"]
    assert outputs[0]["recipient"] == "กองคลัง" and outputs[2]["query"] == "น้ำท่วม"
