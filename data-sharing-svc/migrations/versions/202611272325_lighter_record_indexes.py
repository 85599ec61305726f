"""lighter record indexes

Every ingested record writes these indexes. The ID-number index holds only the records that have one
(the 失信被执行人 listings; every lookup by ID number is an equality, which implies NOT NULL), not
a NULL entry for each record about a business; no query looks record versions up by batch.

Revision ID: 202611272325
Revises: 202611272124
Create Date: 2026-11-27 23:25:00
"""
from alembic import op
import sqlalchemy as sa


revision = '202611272325'
down_revision = '202611272124'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('current_records', schema=None) as batch_op:
        batch_op.drop_index('ix_current_records_id_number')
        batch_op.create_index('ix_current_records_id_number', ['id_number'], unique=False,
                              postgresql_where=sa.text('id_number IS NOT NULL'))
    with op.batch_alter_table('record_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_record_versions_batch_id')


def downgrade() -> None:
    with op.batch_alter_table('record_versions', schema=None) as batch_op:
        batch_op.create_index('ix_record_versions_batch_id', ['batch_id'], unique=False)
    with op.batch_alter_table('current_records', schema=None) as batch_op:
        batch_op.drop_index('ix_current_records_id_number')
        batch_op.create_index('ix_current_records_id_number', ['id_number'], unique=False)
