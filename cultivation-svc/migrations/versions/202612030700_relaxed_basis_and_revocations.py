"""relaxed-group claims name their basis and are confirmed at review; a revocation keeps its own date and the
status it came from; an upheld objection reopens an application or restores a recognition

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
    # Existing revocations ended the recognition on the day they were made.
    op.execute("UPDATE recognition SET revoked_on = ended_on, revoked_from = 'granted' WHERE status = 'revoked'")


def downgrade() -> None:
    op.drop_column('application', 'reopened_by')
    op.drop_column('recognition', 'revoked_from')
    op.drop_column('recognition', 'restored_from')
    op.drop_column('recognition', 'revoked_on')
    op.drop_column('application', 'relaxed_confirmed')
    op.drop_column('application', 'relaxed_basis')
