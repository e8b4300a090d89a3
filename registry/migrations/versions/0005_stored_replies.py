"""edge: the replies a web-chat message was answered, kept with its inbound key

A web-chat request repeated after a lost response (same message_id) is answered with the same
replies instead of an empty "duplicate" (issue 16, finding 9).

Revision ID: 0005_stored_replies
Revises: 0004_inbound_queue
Create Date: 2026-12-06 06:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_stored_replies'
down_revision = '0004_inbound_queue'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('processed_inbound') as batch:
        batch.add_column(sa.Column('replies', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('processed_inbound') as batch:
        batch.drop_column('replies')
