"""chat_pace: the next time each chat may be sent to, shared by every deliverer

Revision ID: 0003_chat_pace
Revises: 0002_chain_head_trigger
Create Date: 2026-12-04 10:00:00
"""
from alembic import op
import sqlalchemy as sa
import registry.models


revision = '0003_chat_pace'
down_revision = '0002_chain_head_trigger'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('chat_pace',
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('chat_id', sa.String(length=128), nullable=False),
    sa.Column('not_before', registry.models.TZDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('channel', 'chat_id')
    )


def downgrade() -> None:
    op.drop_table('chat_pace')
