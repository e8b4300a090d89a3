"""The shared tokenizer used for search text."""

from __future__ import annotations

from nlp.tokens import add_words, fold, search_tokens, tokenize


def test_words_with_sara_am_stay_whole():
    # NFKC alone would split ำ and the tokenizer would cut สำนักงาน into สํา + นักงาน.
    assert tokenize("สำนักงานจังหวัดระยอง") == ["สำนักงาน", "จังหวัด", "ระยอง"]
    assert tokenize("ศูนย์อํานวยการ") == tokenize("ศูนย์อำนวยการ")


def test_both_digit_scripts_give_the_same_tokens():
    assert search_tokens("ประจำปี ๒๕๖๙") == search_tokens("ประจำปี 2569")


def test_search_tokens_are_distinct_and_skip_none():
    tokens = search_tokens("น้ำท่วม น้ำท่วม", None, "", "กองคลัง")
    assert tokens == ["น้ำท่วม", "กอง", "คลัง"]


def test_added_words_are_kept_whole():
    add_words(["กปภก"])
    assert "กปภก" in tokenize("มท (กปภก) 0606")
    assert fold("ABC ๑") == "abc 1"
