"""runs record what they waited for

A run first waits until typing's projections hold every registry and agency change committed before
it (status `waiting_for_data`, kit.barrier); `data_barrier` keeps what it waited for: each source's
outbox head, each topic's end offset, when it passed and how long it took.

Revision ID: 202612030700
Revises: 202612020005
Create Date: 2026-12-03 07:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '202612030700'
down_revision = '202612020005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('typing_run', sa.Column('data_barrier', sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column('typing_run', 'data_barrier')
