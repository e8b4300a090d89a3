"""exchange-ready fields on letters (sender organisation and letter ids, references, enclosures, notify-back);
training that teaches (people flagged for training, a practice's score, mistakes and data)

Revision ID: 0011_exchange
Revises: 0010_bootstrap_sessions
Create Date: 2026-12-06 08:40:00
"""
from alembic import op
import sqlalchemy as sa
import registry.models


revision = '0011_exchange'
down_revision = '0010_bootstrap_sessions'
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
    op.add_column('people', sa.Column('training_due_at', registry.models.TZDateTime(timezone=True), nullable=True))
    op.add_column('training_progress', sa.Column('score', sa.Integer(), nullable=True))
    op.add_column('training_progress', sa.Column('mistakes', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('training_progress', sa.Column('data', sa.JSON(), nullable=True))


def downgrade() -> None:
    # Not batch mode: on SQLite it would copy and drop ``letters``, which other tables' foreign keys
    # forbid. SQLite has dropped columns natively since 3.35.
    for column in ('data', 'mistakes', 'score'):
        op.execute(f'ALTER TABLE training_progress DROP COLUMN {column}')
    op.execute('ALTER TABLE people DROP COLUMN training_due_at')
    for column in reversed(COLUMNS):
        op.execute(f'ALTER TABLE letters DROP COLUMN {column}')
