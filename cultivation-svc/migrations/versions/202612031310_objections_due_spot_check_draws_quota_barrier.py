"""the county's worklist shows the objections due (the appeal projection keeps what each is about, its county and
its reply date); the prefecture's spot-check draws and each sampled recognition's outcome are kept; a recognition
records what it waited for before counting the 5 % (the data barrier)

Revision ID: 202612031310
Revises: 202612031300
Create Date: 2026-12-03 13:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '202612031310'
down_revision = '202612031300'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('appeal_projection', sa.Column('target_kind', sa.String(length=40), nullable=True))
    op.add_column('appeal_projection', sa.Column('target_id', sa.String(length=64), nullable=True))
    op.add_column('appeal_projection', sa.Column('region_code', sa.String(length=12), nullable=True))
    op.add_column('appeal_projection', sa.Column('uscc', sa.String(length=18), nullable=True))
    op.add_column('appeal_projection', sa.Column('due_on', sa.Date(), nullable=True))
    # Rows projected before: their county and business are the case's (the reply date only a replay brings).
    op.execute("UPDATE appeal_projection AS p SET region_code = a.region_code, uscc = a.uscc "
               "FROM application AS a WHERE a.id = p.application_id")
    op.create_index('ix_appeal_projection_open', 'appeal_projection', ['region_code', 'status', 'due_on'])
    op.create_table(
        'spot_check_draw',
        sa.Column('id', sa.String(length=40), primary_key=True),
        sa.Column('region_code', sa.String(length=12), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('seed', sa.String(length=200), nullable=False),
        sa.Column('rate', sa.String(length=20), nullable=False),
        sa.Column('population', sa.JSON(), nullable=False),
        sa.Column('sample', sa.JSON(), nullable=False),
        sa.Column('drawn_by', sa.String(length=200), nullable=False),
        sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('follows', sa.String(length=40), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True))
    op.create_index('ix_spot_check_draw_scope', 'spot_check_draw', ['region_code', 'year', 'drawn_at'])
    op.create_table(
        'spot_check_item',
        sa.Column('draw_id', sa.String(length=40), primary_key=True),
        sa.Column('recognition_id', sa.String(length=40), primary_key=True),
        sa.Column('outcome', sa.String(length=30), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('decided_by', sa.String(length=200), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_spot_check_item_recognition_id', 'spot_check_item', ['recognition_id'])
    op.add_column('recognition', sa.Column('data_barrier', sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column('recognition', 'data_barrier')
    op.drop_index('ix_spot_check_item_recognition_id', table_name='spot_check_item')
    op.drop_table('spot_check_item')
    op.drop_index('ix_spot_check_draw_scope', table_name='spot_check_draw')
    op.drop_table('spot_check_draw')
    op.drop_index('ix_appeal_projection_open', table_name='appeal_projection')
    for column in ('due_on', 'uscc', 'region_code', 'target_id', 'target_kind'):
        op.drop_column('appeal_projection', column)
