"""outbox rows are deleted once published (the kit's step)

Revision ID: 202611272311
Revises: 202611272118
Create Date: 2026-11-27 23:11:52
"""
from alembic import op

from getihu_kit import schema_steps

revision = '202611272311'
down_revision = '202611272118'
branch_labels = None
depends_on = None


def upgrade() -> None:
    schema_steps.outbox_rows_deleted_once_published_upgrade(op)


def downgrade() -> None:
    schema_steps.outbox_rows_deleted_once_published_downgrade(op)
