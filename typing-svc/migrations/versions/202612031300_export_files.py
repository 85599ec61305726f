"""export files

A long export (kit.export_jobs) is written by the worker into `export_files` in 1 MiB chunks, so
any API replica serves the download and it survives a restart.

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


def downgrade() -> None:
    op.drop_table('export_files')
