"""Chat in the officers' own words (issue 11): each situation with a case that must act and one
that must ask or do nothing. Replies are read against what the conversation has open."""

from __future__ import annotations

from sqlalchemy import select

from registry.models import Assignment, Attachment, Letter
from tests.handlers.conftest import button, buttons, dev_case, everything, register

HEADER = dev_case("dev-005-a")["text"]  # รับหนังสือ ที่ รย 0017.2/ว27270 … เรื่อง การขับเคลื่อนนโยบาย…
HEADER_2 = dev_case("dev-011-a")["text"]  # … เรื่อง ขอรับเงินค่าตรวจสุขภาพ
BARE_HEADER = ("ที่ กค 0402.2/ว 123 ลงวันที่ 1 มี.ค. 2569 จาก กรมบัญชีกลาง "
               "เรื่อง ซักซ้อมแนวทางการเบิกจ่ายเงินงบประมาณ")  # fmt: skip
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + bytes(range(256)) * 20


def _letters(runtime):
    with runtime.read() as s:
        return list(s.execute(select(Letter).order_by(Letter.id)).unique().scalars())


def _assignments(runtime):
    with runtime.read() as s:
        return list(s.execute(select(Assignment).order_by(Assignment.id)).unique().scalars())


def _attachments(runtime):
    with runtime.read() as s:
        return list(s.execute(select(Attachment).order_by(Attachment.id)).scalars())


def _flow(runtime, chat) -> str | None:
    from registry.conversations import load_state

    with runtime.read() as s:
        state = load_state(s, chat.channel, chat.chat_id, now=runtime.clock.now())
        return state.flow if state is not None else None


def _two_forwarded(link):
    clerk, owner = link("clerk"), link("owner")
    register(clerk, HEADER)
    register(clerk, HEADER_2)
    clerk.say("ส่งต่อ 1 ให้ สมชาย เพื่อดำเนินการ")
    clerk.say("ส่งต่อ 2 ให้ สมชาย เพื่อทราบ")
    return clerk, owner


# --- 1. replies on the confirmation card ------------------------------------------------------

def test_typing_the_button_word_confirms_the_card(runtime, link):
    clerk = link("clerk")
    assert clerk.say(HEADER)[0].card.title == "ตรวจสอบก่อนลงรับ"
    receipt = clerk.say("ยืนยันค่ะ")
    assert receipt[0].card.title == "ลงรับแล้ว เลขรับ 1/2569"
    assert len(_letters(runtime)) == 1
    clerk.say(HEADER_2)
    assert clerk.say("ถูกต้องค่ะ ลงรับได้เลย")[0].card.title == "ลงรับแล้ว เลขรับ 2/2569"


def test_a_no_at_the_card_asks_which_field_and_registers_nothing(runtime, link):
    clerk = link("clerk")
    clerk.say(HEADER)
    asked = clerk.say("ไม่ถูกค่ะ")
    assert "ช่องใด" in asked[0].text and button(asked, "เรื่อง").startswith("ef:")
    assert button(asked, "ยกเลิก").startswith("cx:")
    assert _letters(runtime) == []


def test_edit_one_field_by_typing_then_confirm(runtime, link):
    clerk = link("clerk")
    clerk.say(HEADER)
    card = clerk.say("แก้เรื่องเป็น ขอเชิญประชุมคณะทำงาน")[0].card
    assert card.title == "ตรวจสอบก่อนลงรับ" and _letters(runtime) == []
    assert {f.label: f.value for f in card.fields}["เรื่อง"] == "ขอเชิญประชุมคณะทำงาน"
    clerk.say("ยืนยัน")
    assert _letters(runtime)[0].subject == "ขอเชิญประชุมคณะทำงาน"


def test_a_yes_with_no_card_open_does_nothing(runtime, link):
    clerk = link("clerk")
    assert "ไม่มีรายการที่รอการยืนยัน" in clerk.say("ยืนยัน")[0].text
    assert _letters(runtime) == []


# --- 2. a registration needs a header ---------------------------------------------------------

def test_a_header_without_a_command_still_opens_the_card(runtime, link):
    clerk = link("clerk")
    assert clerk.say(BARE_HEADER)[0].card.title == "ตรวจสอบก่อนลงรับ"


def test_replies_and_statements_never_open_a_card(runtime, link):
    clerk = link("clerk")
    # the parser reads the last three as register_incoming with ref_no "41": the evidence rule says no
    for text in ("ได้แล้วค่ะ เลขที่ 41", "เลขที่ 41 ค่ะ", "ประชุมเรื่องงบประมาณวันที่ 5 มี.ค. นะคะ",
                 "หนังสือจากกองคลังมาแล้วค่ะ", "ส่งแล้วค่ะ เลขที่ 41", "เรียบร้อยค่ะ ที่ 41", "เลขที่ 41 เรื่องประชุมค่ะ"):
        replies = clerk.say(text)
        assert all(r.card is None or r.card.title != "ตรวจสอบก่อนลงรับ" for r in replies), text
        assert "ยืนยัน" not in [label for label, _ in buttons(replies)], text
        assert _flow(runtime, clerk) != "intake", text  # no draft opened either (no field asked)
    clerk.say("ยืนยัน")
    assert _letters(runtime) == []


# --- 3. the recipient picker and the letter just registered ------------------------------------

def test_a_sentence_with_a_name_in_the_picker_chooses_that_person(runtime, link, demo):
    clerk = link("clerk")
    register(clerk, HEADER)
    clerk.tap("ส่งต่อ")
    chosen = clerk.say("ฝากส่งน้องวิภาวดีด้วยนะคะ")
    assert "นางวิภาวดี ศรีสุข (เจ้าของเรื่อง)" in chosen[0].text
    assert _assignments(runtime) == []  # the purpose is still asked
    clerk.tap("เพื่อทราบ")
    [a] = _assignments(runtime)
    assert a.purpose == "inform"


def test_name_and_purpose_in_the_picker_send_at_once(runtime, link):
    clerk = link("clerk")
    register(clerk, HEADER)
    clerk.tap("ส่งต่อ")
    done = clerk.say("ส่งให้พี่วิภาวดีเพื่อพิจารณาค่ะ")
    assert "ส่งต่อเลขรับ 1/2569 แล้วค่ะ เพื่อพิจารณา" in done[0].text
    assert [a.purpose for a in _assignments(runtime)] == ["consider"]


def test_right_after_a_receipt_a_send_request_picks_the_letter_but_asks_the_purpose(runtime, link):
    clerk = link("clerk")
    register(clerk, HEADER)
    chosen = clerk.say("ฝากส่งน้องวิภาวดีด้วยนะคะ")
    assert "นางวิภาวดี ศรีสุข (เจ้าของเรื่อง)" in chosen[0].text and "ไม่พบผู้ใช้" not in chosen[0].text
    assert chosen[0].card.title == "ส่งต่อเลขรับ 1/2569"
    assert _assignments(runtime) == []  # the message did not name the letter: nothing sent on a guess
    clerk.tap("เพื่อดำเนินการ")
    assert len(_assignments(runtime)) == 1


def test_a_name_nobody_has_is_asked_again(runtime, link):
    clerk = link("clerk")
    register(clerk, HEADER)
    clerk.tap("ส่งต่อ")
    assert "ไม่พบผู้ใช้ชื่อ “มานพ”" in clerk.say("ฝากส่งพี่มานพด้วยค่ะ")[0].text
    assert _assignments(runtime) == []


def test_kin_words_and_titles_are_not_part_of_the_name(runtime, link, demo):
    clerk = link("clerk")
    register(clerk, HEADER)
    clerk.say("ส่งต่อ 1 ให้ พี่วิภาวดี เพื่อทราบ")
    register(clerk, HEADER_2)
    clerk.say("ส่งต่อ2ให้ผอ.ประเสริฐเพื่อพิจารณา")
    names = [a.person.name for a in _assignments(runtime)]
    assert names == ["นางวิภาวดี ศรีสุข", "นายประเสริฐ มั่นคง"]


# --- 4. the owner's bare acknowledgement ----------------------------------------------------------

def test_a_bare_acknowledgement_acts_when_one_item_waits(runtime, link):
    clerk, owner = link("clerk"), link("owner")
    register(clerk, HEADER)
    clerk.say("ส่งต่อ 1 ให้ สมชาย เพื่อดำเนินการ")
    done = owner.say("ได้รับแล้วครับผม")
    assert done[0].text.startswith("รับทราบเลขรับ 1/2569 แล้วค่ะ เมื่อ ") and " เวลา " in done[0].text
    assert done[0].text.count("เวลา") == 1
    assert [a.status for a in _assignments(runtime)] == ["acknowledged"]


def test_a_bare_acknowledgement_with_two_waiting_asks_which(runtime, link):
    clerk, owner = _two_forwarded(link)
    asked = owner.say("รับทราบครับ")
    assert "2 รายการ" in asked[0].text and len(asked[0].items) == 2
    assert [a.status for a in _assignments(runtime)] == ["sent", "sent"]
    owner.tap("รับทราบ 2/2569")
    assert [a.status for a in _assignments(runtime)] == ["sent", "acknowledged"]


def test_a_number_in_a_reply_is_a_register_number(runtime, link):
    clerk, owner = _two_forwarded(link)
    owner.say("ได้แล้วค่ะ เลขที่ 2")
    assert [a.status for a in _assignments(runtime)] == ["sent", "acknowledged"]
    assert len(_letters(runtime)) == 2  # no registration started with ref_no "2"


def test_ok_alone_asks_instead_of_acknowledging(runtime, link):
    clerk, owner = link("clerk"), link("owner")
    register(clerk, HEADER)
    clerk.say("ส่งต่อ 1 ให้ สมชาย เพื่อดำเนินการ")
    asked = owner.say("โอเคค่ะ")
    assert button(asked, "รับทราบ 1/2569").startswith("ack:")
    assert [a.status for a in _assignments(runtime)] == ["sent"]


# --- 5. statements, questions, typos --------------------------------------------------------------

def test_a_closing_statement_asks_before_closing(runtime, link):
    clerk, owner = link("clerk"), link("owner")
    register(clerk, HEADER)
    clerk.say("ส่งต่อ 1 ให้ สมชาย เพื่อดำเนินการ")
    owner.say("รับทราบ 1")
    asked = owner.say("งานเลข 1 จบแล้วครับ")
    assert "ปิดเรื่องเลขรับ 1 ใช่ไหม" in asked[0].text
    assert _letters(runtime)[0].status != "closed"
    owner.tap("ปิดเรื่อง 1/2569")
    assert _letters(runtime)[0].status == "closed"


def test_a_return_statement_asks_before_returning(runtime, link):
    clerk, owner = link("clerk"), link("owner")
    register(clerk, HEADER)
    clerk.say("ส่งต่อ 1 ให้ สมชาย เพื่อดำเนินการ")
    asked = owner.say("เลข 1 ผิดกองค่ะ ขอคืน")
    assert "ส่งคืนเลขรับ 1" in asked[0].text and [a.status for a in _assignments(runtime)] == ["sent"]
    owner.tap("ส่งคืน 1/2569")
    owner.say("เป็นงานของกองคลัง")
    assert [a.status for a in _assignments(runtime)] == ["returned"]


def test_questions_and_typos_read_as_commands(runtime, link):
    clerk, owner = link("clerk"), link("owner")
    register(clerk, HEADER)
    clerk.say("ส่งต่อ 1 ให้ สมชาย เพื่อดำเนินการ")
    assert "รายการที่รอท่านรับทราบ 1 รายการ" in owner.say("วันนี้มีอะไรต้องทำบ้างคะ")[0].text
    assert owner.say("ขอดูหนังสือเรื่องนโยบายสำคัญ")[0].text.startswith("พบ 1 รายการ")
    assert "ไม่พบหนังสือที่ตรงกับ “น้ำท่วม”" in owner.say("มีหนังสือเรื่องน้ำท่วมไหมคะ")[0].text
    owner.say("รับทรบ 1")
    assert [a.status for a in _assignments(runtime)] == ["acknowledged"]


def test_chatter_is_still_not_a_command(runtime, link):
    owner = link("owner")
    assert "ไม่เข้าใจ" in owner.say("พรุ่งนี้ฝนจะตกไหมคะ")[0].text


# --- 6. cards that let people act ----------------------------------------------------------------

def test_status_card_offers_the_answer_to_the_person_who_owes_it(runtime, link):
    clerk, owner = link("clerk"), link("owner")
    register(clerk, HEADER)
    clerk.say("ส่งต่อ 1 ให้ สมชาย เพื่อดำเนินการ")
    mine = owner.say("สถานะ 1")
    assert button(mine, "รับทราบ").startswith("ack:") and button(mine, "ไม่ใช่งานของฉัน").startswith("ret:")
    theirs = clerk.say("สถานะ 1")
    assert "รับทราบ" not in [label for label, _ in buttons(theirs)]
    owner.tap("รับทราบ")
    assert "รับทราบ" not in [label for label, _ in buttons(owner.say("สถานะ 1"))]


def test_my_tasks_lists_only_my_items_one_card_each_with_my_state(runtime, link):
    clerk, owner = _two_forwarded(link)
    mine = owner.say("งานของฉัน")[0]
    assert [c.title for c in mine.items] == ["เลขรับ 1/2569", "เลขรับ 2/2569"]
    assert all({f.label: f.value for f in c.fields}["สถานะของท่าน"] == "รอท่านรับทราบ" for c in mine.items)
    assert [b.payload.split(":")[0] for b in mine.items[0].buttons] == ["ack", "ret", "st"]
    owner.tap("รับทราบ 1/2569")
    assert [c.title for c in owner.say("งานของฉัน")[0].items] == ["เลขรับ 2/2569"]
    assert "ไม่มีรายการ" in clerk.say("งานของฉัน")[0].text  # the clerk sent them: not the clerk's items


def test_refusals_say_why(runtime, link):
    clerk, owner = link("clerk"), link("owner")
    register(clerk, HEADER)
    assert "ไม่ได้ส่งถึงท่าน" in owner.say("รับทราบ 1")[0].text  # exists, not theirs
    assert "ไม่พบรายการเลขรับ 9" in owner.say("รับทราบ 9")[0].text  # no such number


def test_search_results_are_one_card_per_letter(runtime, link):
    clerk = link("clerk")
    register(clerk, HEADER)
    register(clerk, dev_case("dev-010-a")["text"])
    found = clerk.say("ค้นหา จังหวัดระยอง")[0]
    assert len(found.items) == 2
    assert {b.payload for c in found.items for b in c.buttons} == {"st:1", "st:2"}


# --- 7. secret letters at the card -------------------------------------------------------------

def test_secret_card_marks_what_was_read_without_values(runtime, link):
    case = dev_case("dev-000-a")  # ด่วนที่สุด ลับมาก
    clerk = link("clerk")
    card = clerk.say(case["text"])[0].card
    rows = {f.label: f.value for f in card.fields}
    assert rows["อ่านได้"] == "✓ ที่ ✓ ลงวันที่ ✓ จาก ✓ เรื่อง"
    shown = everything(clerk.last)
    for word in (case["expect"]["subject"][:20], case["expect"]["sender"], case["expect"]["ref_no"]):
        assert word not in shown
    receipt = clerk.say("ยืนยัน")[0]
    page = next(b for b in receipt.card.buttons if b.url)
    assert page.url == "/admin/letters/1"
    assert "ส่งรูปหรือไฟล์ของหนังสือต่อจากนี้" not in everything([receipt])
    # and a scan sent anyway is not kept
    assert "ไม่รับรูปหรือไฟล์" in clerk.send_file(JPEG, content_type="image/jpeg")[0].text
    assert _attachments(runtime) == []


def test_ordinary_card_has_no_read_marks(runtime, link):
    clerk = link("clerk")
    card = clerk.say(HEADER)[0].card
    assert "อ่านได้" not in {f.label for f in card.fields}


# --- 8. files go to the letter the person means --------------------------------------------------

def test_a_file_with_a_header_caption_registers_that_letter_with_the_file(runtime, link):
    clerk = link("clerk", channel="telegram")
    register(clerk, HEADER)  # a previous letter is open in the chat
    replies = clerk.send_file(JPEG, content_type="image/jpeg", caption=BARE_HEADER)
    assert replies[0].card.title == "ตรวจสอบก่อนลงรับ"
    assert "จะแนบกับหนังสือเมื่อกด [ยืนยัน]" in everything(replies)
    assert _attachments(runtime) == []  # not given to the previous letter
    clerk.say("ยืนยัน")
    [att] = _attachments(runtime)
    assert att.letter_id == 2


def test_a_caption_that_is_not_a_header_does_not_register(runtime, link):
    clerk = link("clerk", channel="telegram")
    register(clerk, HEADER)
    replies = clerk.send_file(JPEG, content_type="image/jpeg", caption="หน้า 2 ค่ะ")
    assert replies[0].text.startswith("แนบไฟล์กับเลขรับ 1/2569")
    assert len(_letters(runtime)) == 1


def test_a_file_long_after_the_receipt_asks_which_letter(runtime, link, clock):
    clerk = link("clerk")
    register(clerk, HEADER)
    register(clerk, HEADER_2)
    clock.advance(minutes=11)
    asked = clerk.send_file(JPEG, content_type="image/jpeg")
    assert "จะแนบกับหนังสือฉบับใด" in asked[0].text and _attachments(runtime) == []
    clerk.tap("แนบกับ 1/2569")
    [att] = _attachments(runtime)
    assert att.letter_id == 1


def test_a_file_within_the_window_goes_to_the_receipt(runtime, link, clock):
    clerk = link("clerk")
    register(clerk, HEADER)
    clock.advance(minutes=5)
    assert clerk.send_file(JPEG, content_type="image/jpeg")[0].text.startswith("แนบไฟล์กับเลขรับ 1/2569")


def test_a_bare_number_offers_the_item_and_acts_not(runtime, link):
    clerk, owner = _two_forwarded(link)
    asked = owner.say("เลขที่ 2 ค่ะ")
    assert button(asked, "รับทราบ 2/2569").startswith("ack:")
    assert [a.status for a in _assignments(runtime)] == ["sent", "sent"]
    assert clerk.say("เลข 1 ครับ")[0].card.title == "สถานะเลขรับ 1/2569"  # not the clerk's item: its status


def test_group_chatter_that_looks_like_a_reply_stays_quiet(runtime, link):
    from tests.handlers.conftest import Chat

    member = Chat(runtime, link("owner").account, chat_id="G-1", is_group=True)
    assert member.say("โอเคค่ะ") == [] and member.say("เลข 5 ค่ะ") == []
    assert member.say("ได้แล้วค่ะ เลขที่ 41") == [] or "แชตส่วนตัว" in member.text
