"""retention and disposal: legal hold, retain-until and destroyed-at on letters; disposal lists

Revision ID: 0009_disposal
Revises: 0008_web_signin
Create Date: 2026-12-06 06:30:00
"""
from alembic import op
import sqlalchemy as sa
import registry.models


revision = '0009_disposal'
down_revision = '0008_web_signin'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = registry.models.TZDateTime(timezone=True)


def upgrade() -> None:
    op.add_column('letters', sa.Column('legal_hold', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('letters', sa.Column('retain_until', sa.Date(), nullable=True))
    op.add_column('letters', sa.Column('destroyed_at', When, nullable=True))
    op.create_table('disposal_lists',
    sa.Column('id', BigId, nullable=False),
    sa.Column('unit_id', sa.BigInteger(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', When, nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=True),
    sa.Column('carried_out_at', When, nullable=True),
    sa.Column('carried_out_by', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['people.id'], ),
    sa.ForeignKeyConstraint(['carried_out_by'], ['people.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_disposal_lists_unit_id'), 'disposal_lists', ['unit_id'], unique=False)
    op.create_table('disposal_items',
    sa.Column('id', BigId, nullable=False),
    sa.Column('list_id', sa.BigInteger(), nullable=False),
    sa.Column('letter_id', sa.BigInteger(), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('verdict', sa.String(length=16), nullable=True),
    sa.Column('keep_years', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.BigInteger(), nullable=True),
    sa.Column('decided_at', When, nullable=True),
    sa.ForeignKeyConstraint(['list_id'], ['disposal_lists.id'], ),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], ),
    sa.ForeignKeyConstraint(['decided_by'], ['people.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('list_id', 'letter_id')
    )
    op.create_index(op.f('ix_disposal_items_list_id'), 'disposal_items', ['list_id'], unique=False)
    op.create_index(op.f('ix_disposal_items_letter_id'), 'disposal_items', ['letter_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_disposal_items_letter_id'), table_name='disposal_items')
    op.drop_index(op.f('ix_disposal_items_list_id'), table_name='disposal_items')
    op.drop_table('disposal_items')
    op.drop_index(op.f('ix_disposal_lists_unit_id'), table_name='disposal_lists')
    op.drop_table('disposal_lists')
    # Not batch mode: on SQLite it would copy and drop ``letters``, which the foreign keys of
    # registrations, assignments and attachments forbid. SQLite has dropped columns natively since 3.35.
    for column in ('destroyed_at', 'retain_until', 'legal_hold'):
        op.execute(f'ALTER TABLE letters DROP COLUMN {column}')
