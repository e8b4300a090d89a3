"""The one access rule (registry/access.py): viewers × letters, the predicate and the SQL condition
give the same answer, and that answer is the one the regulation asks for."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from registry import access
from registry.assignments import forward, return_assignment
from registry.commands import Forward, Recipient, RegisterIncoming
from registry.events import Actor
from registry.intake import register_incoming
from registry.models import Delegation, Letter
from tests.web_forms import sign_in

SYSTEM = Actor(None, "test")
INSTRUCTION, REASON = "zzinstr", "zzreason"


def word(key: str) -> str:
    """A word only this letter's subject holds (and no other word starts with)."""
    return f"zz{key.replace('_', '')}q"


def ref(n: int) -> str:
    return f"มท 9{n:03d}/ว {7000 + n}"

# letter key → (unit code, class, forwarded to: ("person", role@code) | ("unit", code) | None)
LETTERS = {
    "kk": ("มท 0201", None, None),
    "kk_conf": ("มท 0201", "confidential", None),
    "kk_secret": ("มท 0201", "secret", None),
    "kk_top": ("มท 0201", "top_secret", None),
    "child": ("มท 0201.2", None, None),
    "child_secret": ("มท 0201.2", "secret", None),
    "other": ("มท 0202", None, None),
    "other_secret_to_owner": ("มท 0202", "secret", ("person", "วิภาวดี")),
    "other_to_kk": ("มท 0202", None, ("unit", "มท 0201")),
}

# viewer → {letter: "" (not seen) | "s" (seen, content withheld) | "r" (seen and read)}; letters
# left out are not seen. The demo organisation: กองกลาง (มท 0201) has ฝ่ายสารบรรณ (มท 0201.2) below it.
EXPECTED = {
    # clerk of กองกลาง and its ฝ่ายสารบรรณ, cleared for ลับ only
    "clerk": {"kk": "r", "kk_conf": "r", "kk_secret": "s", "kk_top": "s", "child": "r", "child_secret": "s",
              "other_to_kk": "r"},
    # owner of กองกลาง without clearance; a ลับมาก letter forwarded to her she reads
    "owner_uncleared": {"kk": "r", "kk_conf": "s", "kk_secret": "s", "kk_top": "s", "child": "r",
                        "child_secret": "s", "other_secret_to_owner": "r", "other_to_kk": "r"},
    "head": {"kk": "r", "kk_conf": "r", "kk_secret": "r", "kk_top": "r", "child": "r", "child_secret": "r",
             "other_to_kk": "r"},
    "admin": {k: "r" for k in LETTERS},
    "auditor": {**{k: "r" for k in LETTERS}, "kk_top": "s"},  # cleared for ลับมาก, not ลับที่สุด
    # clerk of กองคลัง: its own letters; the ลับมาก one it sent to กองกลาง it sees but does not read
    "other_unit": {"other": "r", "other_secret_to_owner": "s", "other_to_kk": "r"},
    # a Rayong clerk acting for the head of กองกลาง (รักษาราชการแทน): the head's view for the period
    "acting_for_head": {"kk": "r", "kk_conf": "r", "kk_secret": "r", "kk_top": "r", "child": "r",
                        "child_secret": "r", "other_to_kk": "r"},
    # a Chiang Mai clerk whose delegation for the owner ended yesterday: nothing of กองกลาง
    "acting_expired": {},
}


@pytest.fixture
def world(runtime, demo):
    letters: dict[str, int] = {}
    names = {name: pid for pid, name in demo.names.items()}

    def person(fragment: str) -> int:
        return next(pid for name, pid in names.items() if fragment in name)

    with runtime.transaction() as s:
        for key, (code, secrecy, to) in LETTERS.items():
            done = register_incoming(s, RegisterIncoming(unit_id=demo.unit(code), subject=f"เรื่อง {word(key)}",
                                                         ref_no=ref(len(letters) + 1), sender="สถ.",
                                                         secrecy=secrecy), actor=SYSTEM, clock=runtime.clock)
            letters[key] = done.letter_id
            if to is not None:
                recipient = (Recipient(person_id=person(to[1])) if to[0] == "person"
                             else Recipient(unit_id=demo.unit(to[1])))
                sent = forward(s, Forward(done.letter_id, (recipient,), "act", f"ข้อสั่งการ {INSTRUCTION}{key}"),
                               actor=SYSTEM, clock=runtime.clock)
                if to[0] == "person":  # the owner answers "not mine", with a reason that repeats the subject
                    return_assignment(s, sent.assignment_ids[0], f"ไม่ใช่งาน {REASON}{key}",
                                      actor=Actor(person(to[1]), "test"), clock=runtime.clock)
        now = runtime.clock.now()
        day = dt.timedelta(days=1)
        s.add(Delegation(principal_id=person("ประเสริฐ"), delegate_id=person("อรุณี"), starts_at=now - day,
                         ends_at=now + day))
        s.add(Delegation(principal_id=person("วิภาวดี"), delegate_id=person("สุรชัย"), starts_at=now - 3 * day,
                         ends_at=now - day))
    viewers = {
        "clerk": person("สมใจ"), "owner_uncleared": person("วิภาวดี"), "head": person("ประเสริฐ"),
        "admin": demo.person("admin", "มท 02"), "auditor": demo.person("auditor", "มท 02"),
        "other_unit": person("ธนา"), "acting_for_head": person("อรุณี"), "acting_expired": person("สุรชัย"),
    }
    return letters, viewers


@pytest.mark.parametrize("who", EXPECTED)
def test_predicate_and_sql_agree_with_the_rule(runtime, world, who):
    letters, viewers = world
    ours = set(letters.values())
    with runtime.read() as s:
        v = access.viewer(s, viewers[who], runtime.clock.now())
        rows = {letter.id: letter for letter in s.execute(select(Letter)).unique().scalars()}
        seen_sql = set(s.execute(select(Letter.id).where(access.visible(v))).scalars()) & ours
        read_sql = set(s.execute(select(Letter.id).where(access.readable(v))).scalars()) & ours
        seen = {i for i in ours if access.may_see(v, rows[i])}
        read = {i for i in ours if access.may_read(v, rows[i])}
    expected_seen = {letters[k] for k, mark in EXPECTED[who].items() if mark}
    expected_read = {letters[k] for k, mark in EXPECTED[who].items() if mark == "r"}
    by_id = {i: k for k, i in letters.items()}
    assert sorted(by_id[i] for i in seen) == sorted(by_id[i] for i in expected_seen)
    assert sorted(by_id[i] for i in read) == sorted(by_id[i] for i in expected_read)
    assert seen_sql == seen and read_sql == read


def test_system_sees_and_reads_everything(runtime, world):
    letters, _ = world
    with runtime.read() as s:
        assert access.viewer(s, None, runtime.clock.now()) is access.SYSTEM
        ids = set(s.execute(select(Letter.id).where(access.readable(access.SYSTEM))).scalars())
    assert set(letters.values()) <= ids


def test_delegation_limited_to_a_unit_lends_only_that_unit(runtime, demo, world):
    letters, viewers = world
    with runtime.transaction() as s:  # the Rayong clerk also stands in for the กองคลัง clerk, for กองกลาง only
        now = runtime.clock.now()
        s.add(Delegation(principal_id=viewers["other_unit"], delegate_id=viewers["acting_for_head"],
                         unit_id=demo.unit("มท 0201"), starts_at=now - dt.timedelta(hours=1),
                         ends_at=now + dt.timedelta(hours=1)))
    with runtime.read() as s:
        v = access.viewer(s, viewers["acting_for_head"], runtime.clock.now())
        assert demo.unit("มท 0202") not in v.units
        assert not access.sees_unit(v, demo.unit("มท 0202")) and access.sees_unit(v, demo.unit("มท 0201.2"))


def test_an_acting_officer_acts_as_well_as_sees(runtime, demo, world):
    """The chat offers the acting officer [ส่งต่อ] (access.may_manage on the viewer); the registry
    service behind it must agree (access.require with the time), and stop agreeing when the
    delegation ends."""
    from registry.errors import PermissionDenied

    letters, viewers = world
    kk, now = demo.unit("มท 0201"), runtime.clock.now()
    with runtime.read() as s:
        assert access.may_manage(access.viewer(s, viewers["acting_for_head"], now), kk)
        assert access.holds(s, viewers["acting_for_head"], kk, access.MANAGE, now)
        assert not access.holds(s, viewers["acting_for_head"], kk, access.MANAGE)  # without a time: own roles only
        # the delegation for the owner ended yesterday: it lent her roles two days ago, not now
        assert access.holds(s, viewers["acting_expired"], kk, access.ANSWER, now - dt.timedelta(days=2))
        assert not access.holds(s, viewers["acting_expired"], kk, access.ANSWER, now)
    with runtime.transaction() as s:
        done = forward(s, Forward(letters["kk"], (Recipient(person_id=viewers["owner_uncleared"]),)),
                       actor=Actor(viewers["acting_for_head"], "test"), clock=runtime.clock)
    assert done.assignment_ids
    with pytest.raises(PermissionDenied), runtime.transaction() as s:
        forward(s, Forward(letters["child"], (Recipient(person_id=viewers["owner_uncleared"]),)),
                actor=Actor(viewers["other_unit"], "test"), clock=runtime.clock)


def test_withhold_is_the_secrecy_projection():
    values = {"id": 1, "ref_no": "มท 1/2", "subject": "ลับ", "sender": "ก", "priority": "urgent", "secrecy": "secret"}
    assert access.withhold(values, readable=True) == values
    hidden = access.withhold(values, readable=False)
    assert hidden == {"id": 1, "ref_no": None, "subject": None, "sender": None, "priority": "urgent",
                      "secrecy": "secret"}
    forward = {"purpose": "act", "instruction": "ดำเนินการเรื่องลับ", "return_reason": "ไม่ใช่งาน"}
    assert access.withhold(forward, readable=False, fields=access.WITHHELD_ASSIGNMENT) == {
        "purpose": "act", "instruction": None, "return_reason": None}


def test_unknown_class_fails_closed():
    assert access.class_rank("made_up") == access.CLEARANCE_RANK["top_secret"]
    assert access.class_rank(None) == 0


# --- the same rule through every surface -----------------------------------------------------------
# Each viewer asks about each letter through the chat (status button, search by a word of the subject
# and by its ที่), the API (detail, list, search by word and by ที่), the pages (letter page, search)
# and the export rows, and every surface must give the answer EXPECTED gives: not there at all ("";
# 404, "not found", no row), there with its content withheld ("s"), or read ("r"). A chat never
# carries a classified letter's content, so there a classified letter is at most "s" and a search
# never finds it.

ADMIN_TOKEN = "bootstrap-admin-token-for-access-tests"


@pytest.fixture
def client(database_url, runtime):
    from fastapi.testclient import TestClient

    from saraban.app import create_app
    from saraban.settings import Settings

    app = create_app(Settings(database_url=database_url, admin_token=ADMIN_TOKEN, demo=True, run_worker=False),
                     runtime=runtime)
    with TestClient(app) as c:
        yield c


def _token(runtime, person_id: int) -> str:
    from registry.admin import issue_token

    with runtime.transaction() as s:
        _row, value = issue_token(s, person_id, actor=SYSTEM, label="access test", clock=runtime.clock)
    return value


def _chat(runtime, person_id: int):
    """send(kind, text|payload) → all the text a chat shows, for a chat account linked by a real code."""
    import itertools

    from handlers import handle
    from handlers.cards import card_text
    from handlers.models import Inbound
    from registry.accounts import issue_link_code

    ids = itertools.count(1)
    account = f"U-access-{person_id}"

    def send(kind: str, value: str) -> str:
        field = {"text": value} if kind == "text" else {"payload": value}
        ib = Inbound(channel="line", event_id=f"line:access-{person_id}-{next(ids)}", account_id=account,
                     chat_id=account, kind=kind, at=runtime.clock.now(), is_group=False, **field)
        parts = []
        for r in handle(runtime, ib, fetch_file=None):
            parts.append(r.text)
            parts += [card_text(c) for c in ((r.card,) if r.card is not None else ()) + r.items]
        return "\n".join(parts)

    with runtime.transaction() as s:
        code = issue_link_code(s, person_id, actor=SYSTEM, clock=runtime.clock).code
    assert "ผูกบัญชีเรียบร้อยแล้ว" in send("text", f"ผูกบัญชี {code}")
    return send


def _mark(found: bool, content: bool) -> str:
    return "r" if found and content else ("s" if found else "")


@pytest.mark.parametrize("who", EXPECTED)
def test_every_surface_gives_the_rule_s_answer(runtime, world, client, who):
    from admin_api.exports.builders import WITHHELD, letters_table
    from handlers import texts
    from registry.search import LetterQuery, search_letters

    letters, viewers = world
    keys = {i: k for k, i in letters.items()}
    expected = {k: EXPECTED[who].get(k, "") for k in LETTERS}
    secret = {k: LETTERS[k][1] is not None for k in LETTERS}
    in_chat = {k: ("s" if mark and secret[k] else mark) for k, mark in expected.items()}  # chat: never content
    stored = {k: LETTERS[k][1] != "top_secret" for k in LETTERS}  # ลับที่สุด: no content is ever stored
    found_in_chat = {k: mark == "r" and stored[k] for k, mark in in_chat.items()}  # chat search: what it may show
    token = _token(runtime, viewers[who])
    api = {"Authorization": f"Bearer {token}"}
    say = _chat(runtime, viewers[who])
    got: dict[str, dict[str, object]] = {}

    def note(surface: str, key: str, value: object) -> None:
        got.setdefault(surface, {})[key] = value

    # the API list: every letter the viewer may see, content only where they may read
    listed = client.get("/api/v1/letters", params={"limit": 200}, headers=api).json()["items"]
    listed = {keys[x["id"]]: x for x in listed if x["id"] in keys}
    for n, key in enumerate(LETTERS, start=1):
        lid = letters[key]
        # chat: the status button (a button once shown must still be checked) and search
        status = say("button", f"st:{lid}")
        seen = texts.NO_PERMISSION_STATUS not in status
        note("chat status", key, _mark(seen, word(key) in status))
        assert REASON not in status or expected[key] == "r" and not secret[key]
        by_word = say("text", f"ค้นหา {word(key)}")
        note("chat search word", key, "ไม่พบ" not in by_word)
        assert ("ไม่พบ" in by_word) != (word(key) in by_word.replace(f"“{word(key)}”", ""))
        by_ref = say("text", f"ค้นหา {7000 + n}")
        note("chat search ref", key, "ไม่พบ" not in by_ref)
        # API detail: 404 for a letter the viewer may not know exists
        r = client.get(f"/api/v1/letters/{lid}", headers=api)
        assert r.status_code in (200, 404), r.text
        detail = r.json() if r.status_code == 200 else None
        note("api detail", key, _mark(detail is not None, bool(detail and not detail["withheld"])))
        if detail is not None:
            assert detail["subject"] == (f"เรื่อง {word(key)}" if expected[key] == "r" and stored[key] else None)
            assert detail["withheld"] == (expected[key] == "s")
            for a in detail["assignments"]:  # a forward's instruction and reason go with the content
                assert (a["instruction"] is not None) == (expected[key] == "r")
                assert (a["return_reason"] is not None) == (expected[key] == "r" and a["status"] == "returned")
            if expected[key] == "s":
                assert WORD_FREE(r.text, key)
        note("api list", key, _mark(key in listed, bool(key in listed and not listed[key]["withheld"])))
        hits = client.get("/api/v1/letters", params={"q": word(key)}, headers=api).json()["items"]
        note("api search word", key, any(x["id"] == lid for x in hits))
        hits = client.get("/api/v1/letters", params={"ref_no": ref(n)}, headers=api).json()["items"]
        note("api search ref", key, any(x["id"] == lid for x in hits))
        # pages, signed in as the same person (a web session)
        sign_in(client, token)
        html = client.get(f"/admin/letters/{lid}").text
        seen = "ไม่พบหนังสือ" not in html
        note("page", key, _mark(seen, "สงวนเนื้อหาตามชั้นความลับ" not in html))
        assert (word(key) in html) == (seen and expected[key] == "r" and stored[key])
        if seen and expected[key] != "r":
            assert WORD_FREE(html, key)
        html = client.get("/admin/letters", params={"q": word(key)}).text
        note("page search word", key, f'href="/admin/letters/{lid}"' in html)
        html = client.get("/admin/letters", params={"q": str(7000 + n)}).text
        note("page search ref", key, f'href="/admin/letters/{lid}"' in html)
        client.cookies.clear()
    # export rows: what the letters page exports (all the viewer sees), through the export function
    with runtime.read() as s:
        v = access.viewer(s, viewers[who], runtime.clock.now())
        _n, rows = search_letters(s, LetterQuery(limit=500), viewer=v)
        table = letters_table(v, rows, direction="incoming", title="t", subtitle="", filename="f")
        for letter, row in zip(rows, table.rows, strict=True):  # one row per letter, in order
            if letter.id in keys:
                key = keys[letter.id]
                if stored[key]:
                    note("export row", key, "s" if row[6] == WITHHELD else "r")
                else:  # nothing stored, nothing to withhold: the row is there, empty
                    assert not any(row[i] for i in (2, 4, 5, 6))
                    note("export row", key, expected[key])
                if row[6] == WITHHELD:
                    assert not any(word(key) in str(c) or INSTRUCTION in str(c) or REASON in str(c) for c in row)
                else:
                    assert row[6] == (f"เรื่อง {word(key)}" if stored[key] else "")
    for key in LETTERS:
        got.setdefault("export row", {}).setdefault(key, "")

    want = {
        "chat status": in_chat, "chat search word": found_in_chat, "chat search ref": found_in_chat,
        "api detail": expected, "api list": expected, "page": expected, "export row": expected,
        **{s: {k: m == "r" and stored[k] for k, m in expected.items()}
           for s in ("api search word", "api search ref", "page search word", "page search ref")},
    }
    wrong = {surface: {k: (got[surface][k], want[surface][k]) for k in LETTERS if got[surface][k] != want[surface][k]}
             for surface in want}
    assert not any(wrong.values()), {s: w for s, w in wrong.items() if w}


def WORD_FREE(text: str, key: str) -> bool:
    """Nothing of a withheld letter's content in *text*: subject word, ที่, instruction, reason."""
    n = list(LETTERS).index(key) + 1
    return word(key) not in text and ref(n) not in text and INSTRUCTION not in text and REASON not in text
