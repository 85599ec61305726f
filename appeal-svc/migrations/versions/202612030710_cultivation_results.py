"""objections to cultivation results: the results an operator may object to (refusal, cancellation, spot-check
refusal, revocation)

Revision ID: 202612030710
Revises: 202611272311
Create Date: 2026-12-03 07:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '202612030710'
down_revision = '202611272311'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'cultivation_result_projection',
        sa.Column('target_kind', sa.String(length=30), nullable=False),
        sa.Column('target_id', sa.String(length=64), nullable=False),
        sa.Column('uscc', sa.String(length=18), nullable=False),
        sa.Column('region_code', sa.String(length=12), nullable=False),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('open', sa.Boolean(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('target_kind', 'target_id', name=op.f('pk_cultivation_result_projection')))
    op.create_index(op.f('ix_cultivation_result_projection_uscc'), 'cultivation_result_projection', ['uscc'])


def downgrade() -> None:
    op.drop_index(op.f('ix_cultivation_result_projection_uscc'), table_name='cultivation_result_projection')
    op.drop_table('cultivation_result_projection')
