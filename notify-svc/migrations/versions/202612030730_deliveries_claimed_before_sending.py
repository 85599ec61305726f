"""deliveries are claimed before the provider is called

A delivery is `sending` (with `sending_since`) from just before the provider is called until its
outcome is recorded. One left `sending` past the lease was interrupted between the call and the
record: it becomes `unknown` and is never sent again by itself (staff decide).

Revision ID: 202612030730
Revises: 202611272311
Create Date: 2026-12-03 07:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = '202612030730'
down_revision = '202611272311'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('deliveries', sa.Column('sending_since', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.execute("UPDATE deliveries SET status = 'pending' WHERE status IN ('sending', 'unknown')")
    op.drop_column('deliveries', 'sending_since')
