"""Migration steps for the tables the kit owns (outbox, inbox, jobs), shared by every service's
Alembic history. A step is frozen once released: a later change to a kit table is a new step with a
new name, so no service's past revision changes under it."""
from __future__ import annotations

import sqlalchemy as sa


def outbox_rows_deleted_once_published_upgrade(op) -> None:
    """The relay deletes the rows it sent, so the unpublished index and the published mark go; the
    event id is a fresh UUID and needs no unique index."""
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_unpublished')
        batch_op.drop_constraint('uq_outbox_id', type_='unique')
        batch_op.drop_column('published_at')


def outbox_rows_deleted_once_published_downgrade(op) -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint('uq_outbox_id', ['id'])
        batch_op.create_index('ix_outbox_unpublished', ['seq'], unique=False,
                              postgresql_where=sa.text('published_at IS NULL'),
                              sqlite_where=sa.text('published_at IS NULL'))
