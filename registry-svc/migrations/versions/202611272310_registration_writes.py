"""registration writes: no per-row foreign-key checks on operators and status history, no duplicate index

Revision ID: 202611272310
Revises: 202611272057
Create Date: 2026-11-27 23:10:00.000000

A bulk registration writes a business, its operator and its status row in one statement; the two
foreign-key checks were a third of that statement's time (one index probe and row lock per row).
Every writer of these tables reads the business first in the same transaction, and businesses are
never deleted, so the checks could not fail. ix_status_history_uscc duplicated the leading column of
uq_status_history_uscc, which serves the same lookups.
"""
from alembic import op
import sqlalchemy as sa


revision = '202611272310'
down_revision = '202611272057'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('operators', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_operators_uscc_businesses'), type_='foreignkey')

    with op.batch_alter_table('status_history', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_status_history_uscc_businesses'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_status_history_uscc'))


def downgrade() -> None:
    with op.batch_alter_table('status_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_history_uscc'), ['uscc'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_status_history_uscc_businesses'), 'businesses', ['uscc'], ['uscc'])

    with op.batch_alter_table('operators', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_operators_uscc_businesses'), 'businesses', ['uscc'], ['uscc'])
