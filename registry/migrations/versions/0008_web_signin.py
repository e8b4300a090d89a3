"""web sign-in: credentials, sessions, one-time sign-in links, failed attempts

Revision ID: 0008_web_signin
Revises: 0007_mailbox_and_stamps
Create Date: 2026-12-06 06:00:00
"""
from alembic import op
import sqlalchemy as sa
import registry.models


revision = '0008_web_signin'
down_revision = '0007_mailbox_and_stamps'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = registry.models.TZDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('credentials',
    sa.Column('person_id', sa.BigInteger(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('changed_at', When, nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], ),
    sa.PrimaryKeyConstraint('person_id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('web_sessions',
    sa.Column('id', BigId, nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.BigInteger(), nullable=False),
    sa.Column('via', sa.String(length=16), nullable=False),
    sa.Column('created_at', When, nullable=False),
    sa.Column('expires_at', When, nullable=False),
    sa.Column('revoked_at', When, nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index(op.f('ix_web_sessions_person_id'), 'web_sessions', ['person_id'], unique=False)
    op.create_table('sign_in_links',
    sa.Column('id', BigId, nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.BigInteger(), nullable=False),
    sa.Column('created_at', When, nullable=False),
    sa.Column('expires_at', When, nullable=False),
    sa.Column('used_at', When, nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_table('sign_in_failures',
    sa.Column('id', BigId, nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', When, nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_sign_in_failures_username', 'sign_in_failures', ['username', 'at'], unique=False)
    op.create_index('ix_sign_in_failures_address', 'sign_in_failures', ['address', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_sign_in_failures_address', table_name='sign_in_failures')
    op.drop_index('ix_sign_in_failures_username', table_name='sign_in_failures')
    op.drop_table('sign_in_failures')
    op.drop_table('sign_in_links')
    op.drop_index(op.f('ix_web_sessions_person_id'), table_name='web_sessions')
    op.drop_table('web_sessions')
    op.drop_table('credentials')
