"""Sender matching: aliases and abbreviations first, then fuzzy; top 3 with scores."""

from __future__ import annotations

import pytest

from nlp.directory import Directory, DirectoryEntry, expand_abbreviations
from nlp.parse import parse_message


@pytest.fixture(scope="module")
def directory() -> Directory:
    return Directory(
        [
            DirectoryEntry("u-sp", "สำนักงานปลัดกระทรวงมหาดไทย", code="มท 02"),
            DirectoryEntry("u-kk", "กองกลาง", aliases=("กก.สป.",), code="มท 0201"),
            DirectoryEntry("x-ddpm", "กรมป้องกันและบรรเทาสาธารณภัย", code="มท 06"),
            DirectoryEntry("x-ddpm-fin", "กองคลัง กรมป้องกันและบรรเทาสาธารณภัย", code="มท 0604"),
            DirectoryEntry("x-dla", "กรมส่งเสริมการปกครองท้องถิ่น", code="มท 08"),
            DirectoryEntry("x-cgd", "กรมบัญชีกลาง", code="กค 04"),
            {"id": "x-ry", "name": "สำนักงานจังหวัดระยอง", "aliases": ["สนจ.ระยอง"], "code": "รย 0017"},
            {"id": "x-ry-health", "name": "สำนักงานสาธารณสุขจังหวัดระยอง", "code": "รย 0033"},
            {"id": "x-dpm-center", "name": "ศูนย์อำนวยการบรรเทาสาธารณภัย"},
        ]
    )


@pytest.mark.parametrize(
    "sender, best, via",
    [
        ("สป.มท.", "u-sp", "abbreviation"),
        ("สป. มท", "u-sp", "abbreviation"),
        ("ปภ.", "x-ddpm", "abbreviation"),
        ("สถ.", "x-dla", "abbreviation"),
        ("กรมบัญชีกลาง", "x-cgd", "name"),
        ("กก.สป.", "u-kk", "alias"),
        ("สนจ. ระยอง", "x-ry", "alias"),
        ("สนง.จังหวัดระยอง", "x-ry", "fuzzy"),  # สนง. written out, then fuzzy
        ("สำนักงานจังหวัดระยอง\u200b", "x-ry", "name"),
        ("กองคลัง ปภ.", "x-ddpm-fin", "fuzzy"),
        ("ศูนย์อํานวยการบรรเทาสาธารณภัย กรมป้องกันและบรรเทาสาธารณภัย", "x-dpm-center", "fuzzy"),  # unit before parent
        ("กรมส่งเสริมการปกครองท้องถิ่น", "x-dla", "name"),
    ],
)
def test_best_match(directory, sender, best, via):
    matches = directory.match(sender)
    assert matches, sender
    assert (matches[0].id, matches[0].via) == (best, via)
    assert len(matches) <= 3
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert all(0 < m.score <= 100 for m in matches)


def test_exact_evidence_outranks_fuzzy(directory):
    exact = directory.match("กรมบัญชีกลาง")[0]
    fuzzy = directory.match("กรมบัญชีกลางฯ")[0]
    assert exact.score == 100 and fuzzy.id == "x-cgd" and fuzzy.score < exact.score


def test_thai_marks_survive_fuzzy_matching(directory):
    # With RapidFuzz's default processor, vowel and tone marks become spaces and these tie.
    matches = directory.match("สำนักงานสาธารณสุขจังหวัดระยอง")
    assert matches[0].id == "x-ry-health" and matches[0].score == 100


def test_nothing_like_it(directory):
    assert directory.match("บริษัท เอบีซี จำกัด") == []
    assert directory.match("") == []


def test_match_by_reference_number_code(directory):
    assert [m.id for m in directory.match_ref_no("มท 0604/ว 5121")][:1] == ["x-ddpm-fin"]
    assert directory.match_ref_no("รย 0017.2/ว 5")[0].id == "x-ry"
    assert directory.match_ref_no("ศธ 0201/ว 5") == []


def test_parse_message_reports_top_matches(directory):
    result = parse_message("ลงรับ ที่ มท 0808.2/ว 1095 ลว. 5 ต.ค. 67 จาก สถ. เรื่อง ทดสอบ", directory=directory)
    assert result.sender.value == "สถ."
    assert result.sender_matches[0].id == "x-dla"
    assert result.to_json()["sender_matches"][0] == {"id": "x-dla", "name": "กรมส่งเสริมการปกครองท้องถิ่น",
                                                     "score": 98.0, "via": "abbreviation"}  # fmt: skip
    # no sender written: the reference number's code speaks for it
    result = parse_message("ลงรับ ที่ มท 0604/ว 5121 ลว. 5 ต.ค. 67 เรื่อง ทดสอบ", directory=directory)
    assert result.sender is None and result.sender_matches[0].id == "x-ddpm-fin"


def test_expand_abbreviations():
    assert expand_abbreviations("สนง.จ.ระยอง") == "สำนักงานจังหวัดระยอง"
    assert expand_abbreviations("อบต.บ้านฉาง") == "องค์การบริหารส่วนตำบลบ้านฉาง"
