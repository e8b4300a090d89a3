"""F5 training: practice letters live in sandbox books and never touch the real register."""

from __future__ import annotations

from sqlalchemy import select

from registry import training
from registry.commands import RegisterIncoming
from registry.completeness import check_books
from registry.events import Actor
from registry.intake import register_incoming
from registry.models import Book, OutboxMessage
from registry.search import LetterQuery, search_letters


def test_practice_runs_in_the_sandbox_and_is_recorded(runtime, demo, clock):
    owner = demo.person("owner")  # not a clerk: practice letters need no clerk role
    actor = Actor(owner, "web")
    with runtime.transaction() as s:
        training.start(s, owner, actor=actor, now=clock.now())
        reg = training.register_practice(s, owner, actor=actor, clock=clock)
        assignment = training.forward_practice(s, owner, reg.letter_id, actor=actor, clock=clock)
        row = training.acknowledge_practice(s, owner, assignment, actor=actor, clock=clock)
    assert row.step == "done" and row.completed_at == clock.now()
    with runtime.transaction() as s:
        real = register_incoming(s, RegisterIncoming(unit_id=demo.unit("มท 0201"), subject="จริง"),
                                 actor=Actor(None, "test"), clock=clock)
    assert real.number == 1  # the practice did not take a real number
    with runtime.read() as s:
        assert training.completions(s) == 1
        assert s.execute(select(OutboxMessage)).first() is None  # no notices from practice
        assert [l.id for l in search_letters(s, LetterQuery(unit_id=demo.unit("มท 0201")))[1]] == [real.letter_id]
        assert all(not r.book_id == reg.book_id for r in check_books(s))
        assert s.get(Book, reg.book_id).sandbox
