"""inbound_queue: LINE events recorded before the 200; outbox.sending_at: a Telegram send in flight

Revision ID: 0004_inbound_queue
Revises: 0003_chat_pace
Create Date: 2026-12-06 05:40:00
"""
from alembic import op
import sqlalchemy as sa
import registry.models


revision = '0004_inbound_queue'
down_revision = '0003_chat_pace'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inbound_queue',
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('received_at', registry.models.TZDateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', registry.models.TZDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_index(op.f('ix_inbound_queue_claimed_until'), 'inbound_queue', ['claimed_until'], unique=False)
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('sending_at', registry.models.TZDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('sending_at')
    op.drop_index(op.f('ix_inbound_queue_claimed_until'), table_name='inbound_queue')
    op.drop_table('inbound_queue')
