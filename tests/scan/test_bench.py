"""``saraban bench scan`` runs and scores: a wrong number without a doubtful mark is counted."""

from __future__ import annotations

from bench import scan_bench


def test_score_counts_wrong_numbers_shown_without_a_doubtful_mark():
    exp = {"ref_no": "มท 0808.2/ว 1095", "letter_date": "2024-10-05", "sender": "กรมการปกครอง",
           "subject": "ขอเชิญประชุม", "priority": "normal"}  # fmt: skip
    right = scan_bench.score(exp, {**exp, "ref_no": "มท ๐๘๐๘.๒/ว ๑๐๙๕", "doubtful": []})
    assert right["ref_no"] and not right["ref_no_wrong_undoubted"]
    wrong = scan_bench.score(exp, {**exp, "ref_no": "มท 0808.2/ว 1045", "doubtful": []})
    assert wrong["ref_no_wrong_undoubted"]
    marked = scan_bench.score(exp, {**exp, "letter_date": "2024-10-06", "doubtful": ["letter_date"]})
    assert not marked["letter_date_wrong_undoubted"] and marked["letter_date_doubtful"]
    near = scan_bench.score(exp, {**exp, "subject": "ขอเชิญประชุุม", "doubtful": []})
    assert not near["subject"] and near["subject_near"]


def test_bench_runs_on_text_pdfs(capsys):
    assert scan_bench.main(pages=2, conditions="pdf-text") in (0, 2)  # 2: no Tesseract on this machine
    out = capsys.readouterr().out
    if "pdf-text" in out:
        assert "100%" in out
