"""web sessions of the bootstrap admin token (no person) until a real admin can sign in

Revision ID: 0010_bootstrap_sessions
Revises: 0009_disposal
Create Date: 2026-12-06 08:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_bootstrap_sessions'
down_revision = '0009_disposal'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite cannot ALTER a column's nullability: batch mode copies the table (it is small).
    with op.batch_alter_table('web_sessions') as batch:
        batch.alter_column('person_id', existing_type=sa.BigInteger(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM web_sessions WHERE person_id IS NULL")
    with op.batch_alter_table('web_sessions') as batch:
        batch.alter_column('person_id', existing_type=sa.BigInteger(), nullable=False)
