"""import of existing registers: letters.imported_action, numbers kept on paper, stored settings

Revision ID: 0012_import
Revises: 0011_exchange
Create Date: 2026-12-06 08:45:00
"""
from alembic import op
import sqlalchemy as sa
import registry.models


revision = '0012_import'
down_revision = '0011_exchange'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = registry.models.TZDateTime(timezone=True)


def upgrade() -> None:
    op.add_column('letters', sa.Column('imported_action', sa.Text(), nullable=True))
    op.create_table('paper_ranges',
    sa.Column('id', BigId, nullable=False),
    sa.Column('book_id', sa.BigInteger(), nullable=False),
    sa.Column('first', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('set_at', When, nullable=False),
    sa.Column('set_by', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], ),
    sa.ForeignKeyConstraint(['set_by'], ['people.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_paper_ranges_book_id'), 'paper_ranges', ['book_id'], unique=False)
    op.create_table('settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', When, nullable=False),
    sa.Column('updated_by', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by'], ['people.id'], ),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('settings')
    op.drop_index(op.f('ix_paper_ranges_book_id'), table_name='paper_ranges')
    op.drop_table('paper_ranges')
    op.drop_column('letters', 'imported_action')
