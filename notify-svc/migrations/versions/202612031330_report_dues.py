"""info reports due after an operator change (cultivation's InfoReportDue), for the reminder before the deadline

Revision ID: 202612031330
Revises: 202612030730
Create Date: 2026-12-03 13:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = '202612031330'
down_revision = '202612030730'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'report_dues',
        sa.Column('recognition_id', sa.String(length=64), primary_key=True),
        sa.Column('uscc', sa.String(length=18), nullable=False),
        sa.Column('region_code', sa.String(length=12), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('opened_on', sa.Date(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False))
    op.create_index('ix_report_dues_open', 'report_dues', ['status', 'due_on'])


def downgrade() -> None:
    op.drop_index('ix_report_dues_open', table_name='report_dues')
    op.drop_table('report_dues')
