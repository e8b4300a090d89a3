"""exchange-ready fields on letters: sender organisation and letter ids, references, enclosures, notify-back

Revision ID: 0010_exchange
Revises: 0009_disposal
Create Date: 2026-12-06 08:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_exchange'
down_revision = '0009_disposal'
branch_labels = None
depends_on = None

COLUMNS = ('sender_org_code', 'sender_letter_id', 'reference_list', 'enclosure_list', 'notify_to', 'accept_id')


def upgrade() -> None:
    op.add_column('letters', sa.Column('sender_org_code', sa.String(length=64), nullable=True))
    op.add_column('letters', sa.Column('sender_letter_id', sa.String(length=255), nullable=True))
    op.add_column('letters', sa.Column('reference_list', sa.JSON(), nullable=True))
    op.add_column('letters', sa.Column('enclosure_list', sa.JSON(), nullable=True))
    op.add_column('letters', sa.Column('notify_to', sa.Text(), nullable=True))
    op.add_column('letters', sa.Column('accept_id', sa.String(length=64), nullable=True))


def downgrade() -> None:
    # Not batch mode: on SQLite it would copy and drop ``letters``, which other tables' foreign keys
    # forbid. SQLite has dropped columns natively since 3.35.
    for column in reversed(COLUMNS):
        op.execute(f'ALTER TABLE letters DROP COLUMN {column}')
