"""acting officers (who named them, why, ended early, start notice); link codes stored hashed; wrong codes per chat

Revision ID: 0015_acting
Revises: 0014_search
Create Date: 2026-12-06 08:30:00
"""
import hashlib

from alembic import op
import sqlalchemy as sa
import registry.models


revision = '0015_acting'
down_revision = '0014_search'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = registry.models.TZDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('delegations') as batch:
        batch.add_column(sa.Column('reason', sa.String(length=500), nullable=True))
        batch.add_column(sa.Column('created_by', sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column('created_at', When, nullable=True))
        batch.add_column(sa.Column('ended_early_at', When, nullable=True))
        batch.add_column(sa.Column('ended_by', sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column('start_notified_at', When, nullable=True))
        batch.create_foreign_key('fk_delegations_created_by', 'people', ['created_by'], ['id'])
        batch.create_foreign_key('fk_delegations_ended_by', 'people', ['ended_by'], ['id'])
    # Link codes: keep only the sha256 of each code. Live codes are converted (they keep working
    # until they expire as before); the plain text is gone after this step.
    with op.batch_alter_table('link_codes') as batch:
        batch.add_column(sa.Column('code_hash', sa.String(length=64), nullable=True))
    conn = op.get_bind()
    codes = sa.table('link_codes', sa.column('id', sa.BigInteger()), sa.column('code', sa.String()),
                     sa.column('code_hash', sa.String()))
    for row_id, code in conn.execute(sa.select(codes.c.id, codes.c.code)).all():
        digest = hashlib.sha256("".join(ch for ch in code.upper() if ch.isalnum()).encode()).hexdigest()
        conn.execute(codes.update().where(codes.c.id == row_id).values(code_hash=digest))
    with op.batch_alter_table('link_codes') as batch:
        batch.drop_column('code')
        batch.alter_column('code_hash', existing_type=sa.String(length=64), nullable=False)
        batch.create_unique_constraint('uq_link_codes_code_hash', ['code_hash'])
    op.create_table('link_failures',
    sa.Column('id', BigId, nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.String(length=128), nullable=False),
    sa.Column('at', When, nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_link_failures_chat', 'link_failures', ['channel', 'external_id', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_link_failures_chat', table_name='link_failures')
    op.drop_table('link_failures')
    # a hash cannot be turned back into its code: every code issued since the upgrade is void
    op.execute("DELETE FROM link_codes")
    with op.batch_alter_table('link_codes') as batch:
        batch.drop_constraint('uq_link_codes_code_hash', type_='unique')
        batch.drop_column('code_hash')
        batch.add_column(sa.Column('code', sa.String(length=32), nullable=False, server_default=''))
        batch.create_unique_constraint('uq_link_codes_code', ['code'])
    with op.batch_alter_table('delegations') as batch:
        batch.drop_constraint('fk_delegations_ended_by', type_='foreignkey')
        batch.drop_constraint('fk_delegations_created_by', type_='foreignkey')
        batch.drop_column('start_notified_at')
        batch.drop_column('ended_by')
        batch.drop_column('ended_early_at')
        batch.drop_column('created_at')
        batch.drop_column('created_by')
        batch.drop_column('reason')
