"""The PDF table: lines broken between words (a word wider than its column between the dictionary
words it is made of), pages cut with the header repeated, every row printed once."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from admin_api.exports.tabular import Table, render, wrap

pdftotext = shutil.which("pdftotext")


def test_a_word_wider_than_its_column_breaks_between_its_dictionary_words():
    from admin_api.exports.tabular import _register_fonts

    font = _register_fonts()
    lines = wrap("สำนักงานปลัดกระทรวงมหาดไทย", 60, font, 10.5)
    assert "".join(lines) == "สำนักงานปลัดกระทรวงมหาดไทย"
    assert lines[0] == "สำนักงาน" and "ปลัดกระทรวง" in lines, lines
    # nothing to break: one line, unchanged
    assert wrap("1 ม.ค. 2569", 200, font, 10.5) == ["1 ม.ค. 2569"]


@pytest.mark.skipif(pdftotext is None, reason="poppler-utils (pdftotext) is not installed")
def test_a_long_table_runs_over_pages_with_its_header_on_each(tmp_path):
    rows = [(n, f"ROW{n:04d}", "ขอเชิญประชุมชี้แจงแนวทางการจัดทำงบประมาณรายจ่ายประจำปี") for n in range(1, 301)]
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(render(Table(title="ทดสอบ", headers=("ลำดับ", "รหัส", "เรื่อง"), rows=rows, widths=(0.5, 1, 2)),
                           "pdf"))
    pages = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) > 3
    assert all("รหัส" in p for p in pages)  # the header row repeats
    seen = [int(m) for m in re.findall(r"ROW(\d{4})", "".join(pages))]
    assert seen == list(range(1, 301))  # each row once, in order
