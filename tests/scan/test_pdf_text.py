"""A PDF with a text layer is read from the layer, exactly, and by the layout (no OCR)."""

from __future__ import annotations

import pytest

from nlp.refno import normalize_ref_no
from scan import read, specimens
from tests.scan.letters import compact, letter


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("thai_digits", [False, True])
def test_text_pdf_fields_exact_and_decoys_ignored(seed, thai_digits):
    lt = letter(seed, thai_digits=thai_digits)
    data, name = specimens.specimen(lt, "pdf-text")
    r = read(data, name)
    exp = lt.expected()
    assert r.source == "pdf-text" and r.confidence == 1.0
    got = r.to_json(file=name)
    assert got["file"] == name and got["source"] == "pdf-text"
    assert normalize_ref_no(got["ref_no"]) == normalize_ref_no(exp["ref_no"])  # not the อ้างถึง's number
    assert got["letter_date"] == exp["letter_date"]  # not the stamp's, not the อ้างถึง's
    assert compact(got["sender"]) == compact(exp["sender"])  # the name, without the address
    assert compact(got["subject"]) == compact(exp["subject"])  # with its continuation lines
    assert compact(got["addressee"]) == compact(exp["addressee"])
    assert got["priority"] == "most_urgent"
    assert got["doubtful"] == []  # a text layer is what the sender typed: Thai digits and all
    assert "เลขรับ" not in got["header_text"]


def test_text_pdf_without_stamps_or_reference():
    lt = letter(11, decoys=False, priority=None, receipt=None, reference=None)
    r = read(*specimens.specimen(lt, "pdf-text"))
    assert r.letter.value("priority") == "normal"
    assert compact(r.letter.value("sender")) == compact(lt.sender)


def test_a_damaged_pdf_is_refused_in_thai():
    from scan import ScanError

    with pytest.raises(ScanError, match="PDF"):
        read(b"%PDF-1.7\n this is not a pdf at all", "x.pdf")
