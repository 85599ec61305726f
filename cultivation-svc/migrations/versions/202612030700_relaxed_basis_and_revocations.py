"""relaxed-group claims name their basis and are confirmed at review; a revocation keeps its own date and the
status it came from; an upheld objection reopens an application or restores a recognition; one-person
conflicts and info-report reviews are recorded

Revision ID: 202612030700
Revises: 202611272311
Create Date: 2026-12-03 07:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '202612030700'
down_revision = '202611272311'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('application', sa.Column('relaxed_basis', sa.Text(), nullable=True))
    op.add_column('application', sa.Column('relaxed_confirmed', sa.Boolean(), nullable=True))
    op.add_column('recognition', sa.Column('revoked_on', sa.Date(), nullable=True))
    op.add_column('recognition', sa.Column('restored_from', sa.String(length=40), nullable=True))
    op.add_column('recognition', sa.Column('revoked_from', sa.String(length=20), nullable=True))
    op.add_column('application', sa.Column('reopened_by', sa.String(length=40), nullable=True))
    # 二(四)3 one natural person per county, re-checked on every operator change: the later recognition's conflict.
    op.add_column('recognition', sa.Column('conflict_with', sa.String(length=40), nullable=True))
    op.add_column('recognition', sa.Column('conflict_reason', sa.Text(), nullable=True))
    # which of two same-day recognitions came first (the earlier stands)
    op.add_column('recognition', sa.Column('recognised_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('recognition', sa.Column('operator_change_due_on', sa.Date(), nullable=True))
    op.execute("UPDATE recognition SET recognised_at = recognised_on::timestamptz")
    # 二(六) 认定部门应当审核信息报告: who reviewed it, and the note (what to correct).
    op.add_column('info_report', sa.Column('review_note', sa.Text(), nullable=True))
    op.add_column('info_report', sa.Column('reviewed_by', sa.String(length=200), nullable=True))
    # 二(六) A from the agencies' data (四(四): not asked again): tax paid and insured employees per year.
    op.add_column('facts_projection', sa.Column('tax_paid', sa.Numeric(16, 2), nullable=True))
    op.add_column('facts_projection', sa.Column('insured_employees', sa.Integer(), nullable=True))
    op.add_column('facts_projection', sa.Column('trademarks_in_use', sa.Integer(), nullable=True))
    op.add_column('facts_projection', sa.Column('patents', sa.Integer(), nullable=True))
    # Existing revocations ended the recognition on the day they were made.
    op.execute("UPDATE recognition SET revoked_on = ended_on, revoked_from = 'granted' WHERE status = 'revoked'")


def downgrade() -> None:
    op.drop_column('facts_projection', 'patents')
    op.drop_column('facts_projection', 'trademarks_in_use')
    op.drop_column('facts_projection', 'insured_employees')
    op.drop_column('facts_projection', 'tax_paid')
    op.drop_column('info_report', 'reviewed_by')
    op.drop_column('info_report', 'review_note')
    op.drop_column('recognition', 'operator_change_due_on')
    op.drop_column('recognition', 'recognised_at')
    op.drop_column('recognition', 'conflict_reason')
    op.drop_column('recognition', 'conflict_with')
    op.drop_column('application', 'reopened_by')
    op.drop_column('recognition', 'revoked_from')
    op.drop_column('recognition', 'restored_from')
    op.drop_column('recognition', 'revoked_on')
    op.drop_column('application', 'relaxed_confirmed')
    op.drop_column('application', 'relaxed_basis')
