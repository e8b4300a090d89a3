"""heartbeats: each deliverer's last sign of life and what it last saw of LINE and Telegram

Revision ID: 0006_heartbeats
Revises: 0005_stored_replies
Create Date: 2026-12-06 05:30:00
"""
from alembic import op
import sqlalchemy as sa
import registry.models


revision = '0006_heartbeats'
down_revision = '0005_stored_replies'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('heartbeats',
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('version', sa.String(length=32), nullable=False),
    sa.Column('started_at', registry.models.TZDateTime(timezone=True), nullable=False),
    sa.Column('seen_at', registry.models.TZDateTime(timezone=True), nullable=False),
    sa.Column('info', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_index(op.f('ix_heartbeats_seen_at'), 'heartbeats', ['seen_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_heartbeats_seen_at'), table_name='heartbeats')
    op.drop_table('heartbeats')
