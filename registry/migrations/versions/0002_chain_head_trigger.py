"""the chain head follows the events table by a trigger

Revision ID: 0002_chain_head_trigger
Revises: 0001_initial
Create Date: 2026-12-04 10:00:00
"""
from alembic import op

from registry import chain_trigger


revision = '0002_chain_head_trigger'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade() -> None:
    chain_trigger.install(op.get_bind())


def downgrade() -> None:
    chain_trigger.drop(op.get_bind())
