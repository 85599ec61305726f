"""exports of the county 名录, and the audit of confidential reads

A long export (kit.export_jobs) is written by the worker into `export_files` in 1 MiB chunks; a staff
export that carries operators' ID numbers and phones is recorded in `confidential_reads`.

Revision ID: 202612031300
Revises: 202612030700
Create Date: 2026-12-03 13:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '202612031300'
down_revision = '202612030700'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('export_files',
                    sa.Column('job_id', sa.String(length=64), nullable=False),
                    sa.Column('seq', sa.Integer(), nullable=False),
                    sa.Column('data', sa.LargeBinary(), nullable=False),
                    sa.PrimaryKeyConstraint('job_id', 'seq', name=op.f('pk_export_files')))
    op.create_table('confidential_reads',
                    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
                    sa.Column('reader', sa.String(length=200), nullable=False),
                    sa.Column('roles', sa.String(length=200), nullable=False),
                    sa.Column('reader_region', sa.String(length=12), nullable=True),
                    sa.Column('what', sa.String(length=50), nullable=False),
                    sa.Column('uscc', sa.String(length=18), nullable=True),
                    sa.Column('query', sa.JSON(), nullable=False),
                    sa.Column('rows', sa.Integer(), nullable=False),
                    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_confidential_reads')))
    op.create_index(op.f('ix_confidential_reads_uscc'), 'confidential_reads', ['uscc'])


def downgrade() -> None:
    op.drop_index(op.f('ix_confidential_reads_uscc'), table_name='confidential_reads')
    op.drop_table('confidential_reads')
    op.drop_table('export_files')
