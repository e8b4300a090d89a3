"""``saraban scan FILE...``: one JSON object per file, a Thai error for an unreadable one."""

from __future__ import annotations

import json
import subprocess
import sys

from scan import specimens
from tests.scan.letters import compact, letter


def _run(*files) -> tuple[int, list[dict]]:
    done = subprocess.run([sys.executable, "-m", "saraban.cli", "scan", *map(str, files)], capture_output=True,
                          timeout=300, check=False)  # fmt: skip
    lines = done.stdout.decode("utf-8").splitlines()
    return done.returncode, [json.loads(x) for x in lines]


def test_scan_cli_reads_files_and_reports_unreadable_ones(tmp_path):
    lt = letter(3)
    good = tmp_path / "letter.pdf"
    good.write_bytes(specimens.specimen(lt, "pdf-text")[0])
    fake = tmp_path / "photo.jpg"  # an HTML page named as a photo
    fake.write_bytes(b"<html><body>not a photo</body></html>")
    code, out = _run(good, fake, tmp_path / "missing.png")
    assert code == 1 and len(out) == 3
    first = out[0]
    assert first["file"] == str(good) and first["source"] == "pdf-text" and first["doubtful"] == []
    assert compact(first["subject"]) == compact(lt.subject) and compact(first["sender"]) == compact(lt.sender)
    assert {"ref_no", "letter_date", "addressee", "priority", "text", "intent"} <= set(first)
    assert "blocks" not in first
    assert out[1]["file"] == str(fake) and "ค่ะ" in out[1]["error"]
    assert out[2]["file"].endswith("missing.png") and "เปิดไฟล์ไม่ได้" in out[2]["error"]


def test_scan_cli_exit_0_when_every_file_was_read(tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(specimens.specimen(letter(4), "pdf-text")[0])
    code, out = _run(path)
    assert code == 0 and "error" not in out[0]
