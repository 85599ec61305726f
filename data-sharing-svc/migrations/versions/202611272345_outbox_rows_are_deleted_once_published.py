"""outbox rows are deleted once published

The relay deletes the rows it sent, so the unpublished index and the published mark go; the event id
is a fresh UUID and needs no unique index.

Revision ID: 202611272345
Revises: 202611272325
Create Date: 2026-11-27 23:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '202611272345'
down_revision = '202611272325'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_unpublished')
        batch_op.drop_constraint('uq_outbox_id', type_='unique')
        batch_op.drop_column('published_at')


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint('uq_outbox_id', ['id'])
        batch_op.create_index('ix_outbox_unpublished', ['seq'], unique=False,
                              postgresql_where=sa.text('published_at IS NULL'),
                              sqlite_where=sa.text('published_at IS NULL'))
