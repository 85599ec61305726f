"""credit reads (附件1 二(七) 末段): operators' consents to financial institutions, the audit of the reads
made under them, and the projection of cultivation's recognitions they show

Revision ID: 202612031330
Revises: 202612031300
Create Date: 2026-12-03 13:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = '202612031330'
down_revision = '202612031300'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('credit_consent',
                    sa.Column('id', sa.String(length=40), nullable=False),
                    sa.Column('uscc', sa.String(length=18), nullable=False),
                    sa.Column('institution', sa.String(length=200), nullable=False),
                    sa.Column('scope', sa.JSON(), nullable=False),
                    sa.Column('expires_on', sa.Date(), nullable=False),
                    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('granted_by', sa.String(length=200), nullable=False),
                    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_consent')))
    op.create_index('ix_credit_consent_uscc_institution', 'credit_consent', ['uscc', 'institution'])
    op.create_table('credit_read',
                    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
                    sa.Column('consent_id', sa.String(length=40), nullable=False),
                    sa.Column('uscc', sa.String(length=18), nullable=False),
                    sa.Column('institution', sa.String(length=200), nullable=False),
                    sa.Column('reader', sa.String(length=200), nullable=False),
                    sa.Column('what', sa.String(length=30), nullable=False),
                    sa.Column('year', sa.SmallInteger(), nullable=True),
                    sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_read')))
    op.create_index('ix_credit_read_uscc_id', 'credit_read', ['uscc', 'id'])
    op.create_table('recognition_projection',
                    sa.Column('recognition_id', sa.String(length=40), nullable=False),
                    sa.Column('uscc', sa.String(length=18), nullable=False),
                    sa.Column('region_code', sa.String(length=12), nullable=False),
                    sa.Column('category', sa.String(length=20), nullable=False),
                    sa.Column('status', sa.String(length=20), nullable=False),
                    sa.Column('year', sa.SmallInteger(), nullable=True),
                    sa.Column('recognised_on', sa.Date(), nullable=False),
                    sa.Column('valid_until', sa.Date(), nullable=False),
                    sa.Column('benefits_from', sa.Date(), nullable=False),
                    sa.Column('reason', sa.Text(), nullable=True),
                    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('recognition_id', name=op.f('pk_recognition_projection')))
    op.create_index(op.f('ix_recognition_projection_uscc'), 'recognition_projection', ['uscc'])


def downgrade() -> None:
    op.drop_index(op.f('ix_recognition_projection_uscc'), table_name='recognition_projection')
    op.drop_table('recognition_projection')
    op.drop_index('ix_credit_read_uscc_id', table_name='credit_read')
    op.drop_table('credit_read')
    op.drop_index('ix_credit_consent_uscc_institution', table_name='credit_consent')
    op.drop_table('credit_consent')
