"""search as clerks type: rebuild every letter's word index (dotted abbreviations joined, word parts)

An index on letters.letter_date (the ลงวันที่ range of a search). letters.search_text gains terms
(see registry.search.index_terms), so each letter's text is tokenised again; the full-text index follows through its triggers (SQLite) or
its expression index (PostgreSQL). Downgrade leaves the richer text in place (a superset: the
earlier search finds what it found before).

Revision ID: 0014_search
Revises: 0013_records
Create Date: 2026-12-06 08:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014_search'
down_revision = '0013_records'
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade() -> None:
    from registry.intake import build_search_text

    op.create_index(op.f('ix_letters_letter_date'), 'letters', ['letter_date'], unique=False)
    conn = op.get_bind()
    letters = sa.table('letters', sa.column('id'), sa.column('direction'), sa.column('ref_no'),
                       sa.column('sender'), sa.column('addressee'), sa.column('subject'), sa.column('sandbox'),
                       sa.column('destroyed_at'), sa.column('search_text'))
    last = 0
    while True:
        rows = conn.execute(
            sa.select(letters.c.id, letters.c.direction, letters.c.ref_no, letters.c.sender, letters.c.addressee,
                      letters.c.subject)
            .where(letters.c.id > last, letters.c.sandbox.is_(False), letters.c.destroyed_at.is_(None))
            .order_by(letters.c.id).limit(BATCH)).all()
        if not rows:
            break
        updates = []
        for r in rows:
            if r.direction == 'incoming':
                text = build_search_text(r.subject, r.sender, r.addressee, r.ref_no)
            else:  # as registry.intake.register_outgoing writes it
                text = f"{build_search_text(r.subject, r.addressee)} {build_search_text(r.ref_no)}".strip()
            updates.append({'i': r.id, 't': text})
        conn.execute(letters.update().where(letters.c.id == sa.bindparam('i')).values(search_text=sa.bindparam('t')),
                     updates)
        last = rows[-1].id


def downgrade() -> None:
    op.drop_index(op.f('ix_letters_letter_date'), table_name='letters')
