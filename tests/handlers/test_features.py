"""The one table of chat features (handlers.features) holds everything equal: every intent of
the parser is routed and listed in the help, every button the handlers draw is parsed and
handled, and the purpose vocabulary is one for the parser and the register."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

from handlers import payloads
from handlers.features import ACTIONS, HELP_TEXT, INTENTS, NOT_COMMANDS, help_text
from nlp import intents as nlp_intents

HANDLERS = Path(__file__).resolve().parents[2] / "handlers"


def _target(target: str):
    module, name = target.split(":")
    return getattr(importlib.import_module(f"handlers.{module}"), name)


def test_every_parser_intent_is_routed_and_listed():
    routed = {i.name for i in INTENTS}
    assert routed | set(NOT_COMMANDS) == set(nlp_intents.INTENTS)
    assert not routed & set(NOT_COMMANDS)
    assert len(routed) == len(INTENTS)  # no intent twice
    for row in INTENTS:
        fn = _target(row.target)  # the handler exists
        assert len(inspect.signature(fn).parameters) >= 3 or "text" in inspect.signature(fn).parameters, row
        assert row.help and row.help in HELP_TEXT, row.name
    assert HELP_TEXT == help_text()


def test_every_keyword_intent_is_a_parser_intent():
    assert {intent for intent, _, _ in nlp_intents._KEYWORDS} <= set(nlp_intents.INTENTS)


def _payloads_drawn() -> set[str]:
    """Every button action the handlers build: payloads.make("<action>", …) and link buttons."""
    found: set[str] = set()
    for path in HANDLERS.glob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "make"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "payloads"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                found.add(node.args[0].value)
    if "link_button(" in (HANDLERS / "links.py").read_text("utf-8"):
        found.add("ln")
    return found


def test_every_button_drawn_is_parsed_and_handled():
    declared = {a.name for a in ACTIONS}
    drawn = _payloads_drawn()
    assert drawn, "the scan found no buttons: it would prove nothing"
    assert drawn <= declared, drawn - declared
    unused = declared - drawn - {"tr"}  # training payloads are built from their step names
    assert not unused, f"declared but never drawn: {unused}"
    for action in ACTIONS:
        fn = _target(action.target)
        for shape in action.args:
            sample = ":".join([action.name, *("7" if k is int else "ab12" for k in shape)])
            parsed = payloads.parse(sample)
            assert parsed is not None and parsed.action == action.name and len(parsed.args) == len(shape), sample
            params = [p for p in inspect.signature(fn).parameters.values() if p.kind != p.VAR_POSITIONAL]
            takes_any = any(p.kind == p.VAR_POSITIONAL for p in inspect.signature(fn).parameters.values())
            assert takes_any or len(params) - 1 >= len(shape), (action.name, shape)


@pytest.mark.parametrize("raw", ["ack", "ack:x", "zz:1", "cf:a:b", "ln:audit", "ln:audit:x", "at:1:2", "my:1"])
def test_payloads_outside_the_table_are_refused(raw):
    assert payloads.parse(raw) is None


def test_help_is_derived_from_the_table_and_names_the_common_commands():
    for word in ("ลงรับ", "ส่งต่อ 15", "รับทราบ 15", "ไม่ใช่งานของฉัน 15", "ปิดเรื่อง 15", "สถานะ 15", "ค้นหา",
                 "งานของฉัน", "ฝึกใช้งาน", "สุ่มตรวจ", "ยกเลิก"):
        assert word in HELP_TEXT


def test_one_purpose_vocabulary_for_parser_and_register():
    from nlp.parse import parse_message
    from nlp.purposes import PURPOSE_WORDS
    from registry.commands import PURPOSE_TH, PURPOSES

    assert set(PURPOSE_WORDS.values()) == set(PURPOSES) == set(PURPOSE_TH)
    for word, code in PURPOSE_WORDS.items():
        assert parse_message(f"ส่งต่อ 15 ให้ สมชาย เพื่อ{word}").value("purpose") == code


def test_button_labels_fit_line_without_being_cut():
    from handlers import texts

    for name, value in texts.BUTTON.items():
        assert len(value.format(name="สมชาย")) <= 20, name
    for code, value in texts.RETURN_REASON_LABELS.items():
        assert len(value) <= 20 and code in texts.RETURN_REASONS
    assert not re.search(r"…", "".join(texts.RETURN_REASON_LABELS.values()))
