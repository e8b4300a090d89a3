"""mail: the saraban mailbox's messages; the stamped copy of an attachment

Revision ID: 0007_mailbox_and_stamps
Revises: 0006_heartbeats
Create Date: 2026-12-06 06:00:00
"""
from alembic import op
import sqlalchemy as sa
import registry.models


revision = '0007_mailbox_and_stamps'
down_revision = '0006_heartbeats'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attachments') as batch:
        batch.add_column(sa.Column('stamped_path', sa.Text(), nullable=True))
        batch.add_column(sa.Column('stamped_sha256', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('stamp_error', sa.Text(), nullable=True))
    op.create_table('mail_messages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('mailbox', sa.String(length=255), nullable=False),
    sa.Column('uidvalidity', sa.BigInteger(), nullable=False),
    sa.Column('uid', sa.BigInteger(), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('from_address', sa.String(length=320), nullable=True),
    sa.Column('from_name', sa.Text(), nullable=True),
    sa.Column('mail_subject', sa.Text(), nullable=True),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('letter_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('received_at', registry.models.TZDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', registry.models.TZDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id']),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id']),
    sa.ForeignKeyConstraint(['decided_by'], ['people.id']),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('mailbox', 'uidvalidity', 'uid'),
    sa.UniqueConstraint('unit_id', 'message_id')
    )
    op.create_index('ix_mail_messages_unit_id', 'mail_messages', ['unit_id'])
    op.create_index('ix_mail_messages_status', 'mail_messages', ['status'])


def downgrade() -> None:
    op.drop_index('ix_mail_messages_status', table_name='mail_messages')
    op.drop_index('ix_mail_messages_unit_id', table_name='mail_messages')
    op.drop_table('mail_messages')
    with op.batch_alter_table('attachments') as batch:
        batch.drop_column('stamp_error')
        batch.drop_column('stamped_sha256')
        batch.drop_column('stamped_path')
