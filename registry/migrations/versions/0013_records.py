"""recall and opened: when a forward was first opened by its recipient, and when its sender recalled it

Revision ID: 0013_records
Revises: 0012_import
Create Date: 2026-12-06 08:40:00
"""
from alembic import op
import sqlalchemy as sa
import registry.models


revision = '0013_records'
down_revision = '0012_import'
branch_labels = None
depends_on = None

When = registry.models.TZDateTime(timezone=True)


def upgrade() -> None:
    op.add_column('assignments', sa.Column('opened_at', When, nullable=True))
    op.add_column('assignments', sa.Column('recalled_at', When, nullable=True))


def downgrade() -> None:
    # Not batch mode (it would copy ``assignments``, which outbox rows point at); see 0009.
    for column in ('recalled_at', 'opened_at'):
        op.execute(f'ALTER TABLE assignments DROP COLUMN {column}')
