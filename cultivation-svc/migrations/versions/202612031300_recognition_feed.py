"""the national feed of recognitions and their changes (kit.feeds)

Revision ID: 202612031300
Revises: 202612030700
Create Date: 2026-12-03 13:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '202612031300'
down_revision = '202612030700'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('recognition_feed',
                    sa.Column('seq', sa.BigInteger(), autoincrement=True, nullable=False),
                    sa.Column('recognition_id', sa.String(length=40), nullable=False),
                    sa.Column('uscc', sa.String(length=18), nullable=False),
                    sa.Column('region_code', sa.String(length=12), nullable=False),
                    sa.Column('category', sa.String(length=20), nullable=False),
                    sa.Column('change', sa.String(length=20), nullable=False),
                    sa.Column('year', sa.Integer(), nullable=False),
                    sa.Column('recognised_on', sa.Date(), nullable=False),
                    sa.Column('valid_until', sa.Date(), nullable=False),
                    sa.Column('benefits_from', sa.Date(), nullable=False),
                    sa.Column('ended_on', sa.Date(), nullable=True),
                    sa.Column('revoked_on', sa.Date(), nullable=True),
                    sa.Column('reason', sa.Text(), nullable=True),
                    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('seq', name=op.f('pk_recognition_feed')))
    op.create_index('ix_recognition_feed_recognition_seq', 'recognition_feed', ['recognition_id', 'seq'])
    # The recognitions made before the feed existed enter it once, as they stand now, in the order they changed.
    op.execute(
        "INSERT INTO recognition_feed (recognition_id, uscc, region_code, category, change, year, recognised_on, "
        "valid_until, benefits_from, ended_on, revoked_on, reason, changed_at) "
        "SELECT id, uscc, region_code, category, status, year, recognised_on, valid_until, benefits_from, ended_on, "
        "revoked_on, end_reason, changed_at FROM recognition ORDER BY changed_at, id")


def downgrade() -> None:
    op.drop_index('ix_recognition_feed_recognition_seq', table_name='recognition_feed')
    op.drop_table('recognition_feed')
