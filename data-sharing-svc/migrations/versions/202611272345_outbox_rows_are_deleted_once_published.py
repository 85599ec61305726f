"""outbox rows are deleted once published (the kit's step)

Revision ID: 202611272345
Revises: 202611272325
Create Date: 2026-11-27 23:45:00
"""
from alembic import op

from getihu_kit import schema_steps

revision = '202611272345'
down_revision = '202611272325'
branch_labels = None
depends_on = None


def upgrade() -> None:
    schema_steps.outbox_rows_deleted_once_published_upgrade(op)


def downgrade() -> None:
    schema_steps.outbox_rows_deleted_once_published_downgrade(op)
