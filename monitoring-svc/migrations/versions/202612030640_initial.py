"""initial

Revision ID: 202612030640
Revises: 
Create Date: 2026-12-03 06:42:27.209436
"""
from alembic import op
import sqlalchemy as sa

from getihu_kit import schema_steps


revision = '202612030640'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    schema_steps.kit_tables_upgrade(op)  # outbox, inbox, jobs, idempotency keys: the kit's tables
    schema_steps.outbox_rows_deleted_once_published_upgrade(op)
    op.create_table('appeal_projection',
    sa.Column('appeal_id', sa.String(length=40), nullable=False),
    sa.Column('target_kind', sa.String(length=30), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('region_code', sa.String(length=12), nullable=True),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('appeal_id', name=op.f('pk_appeal_projection'))
    )
    op.create_table('business_projection',
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('region_code', sa.String(length=12), nullable=False),
    sa.Column('industry_code', sa.String(length=10), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('uscc', name=op.f('pk_business_projection'))
    )
    op.create_index(op.f('ix_business_projection_region_code'), 'business_projection', ['region_code'], unique=False)
    op.create_table('contact_point',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('contact_person', sa.String(length=100), nullable=False),
    sa.Column('contact_phone', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('filed_by', sa.String(length=200), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewed_by', sa.String(length=200), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_point'))
    )
    op.create_index(op.f('ix_contact_point_region_code'), 'contact_point', ['region_code'], unique=False)
    op.create_table('operating_return',
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.SmallInteger(), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=False),
    sa.Column('sales', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('costs', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('profit', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('employees', sa.Integer(), nullable=False),
    sa.Column('new_hires', sa.Integer(), nullable=False),
    sa.Column('loans_outstanding', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('loans_obtained', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('financing_need', sa.String(length=20), nullable=False),
    sa.Column('outlook', sa.String(length=20), nullable=False),
    sa.Column('difficulties', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('contact_point_id', sa.String(length=40), nullable=True),
    sa.Column('submitted_by', sa.String(length=200), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('uscc', 'year', 'quarter', name=op.f('pk_operating_return'))
    )
    op.create_index('ix_return_period', 'operating_return', ['year', 'quarter', 'uscc'], unique=False)
    op.create_index('ix_return_region_period', 'operating_return', ['region_code', 'year', 'quarter', 'uscc'], unique=False)
    op.create_table('policy',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('conditions', sa.Text(), nullable=False),
    sa.Column('procedure', sa.Text(), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('in_force_from', sa.Date(), nullable=False),
    sa.Column('in_force_to', sa.Date(), nullable=True),
    sa.Column('channels', sa.JSON(), nullable=False),
    sa.Column('measure_codes', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_published_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy'))
    )
    op.create_index('ix_policy_status_from', 'policy', ['status', 'in_force_from', 'id'], unique=False)
    op.create_table('recognition_projection',
    sa.Column('recognition_id', sa.String(length=64), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('recognised_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('recognition_id', name=op.f('pk_recognition_projection'))
    )
    op.create_index(op.f('ix_recognition_projection_uscc'), 'recognition_projection', ['uscc'], unique=False)
    op.create_table('return_read',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('reader', sa.String(length=200), nullable=False),
    sa.Column('roles', sa.String(length=200), nullable=False),
    sa.Column('reader_region', sa.String(length=12), nullable=True),
    sa.Column('uscc', sa.String(length=18), nullable=True),
    sa.Column('query', sa.JSON(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_read'))
    )
    op.create_index(op.f('ix_return_read_uscc'), 'return_read', ['uscc'], unique=False)
    op.create_table('typing_result_projection',
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=True),
    sa.Column('industry_code', sa.String(length=10), nullable=True),
    sa.Column('ruleset', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('uscc', 'year', name=op.f('pk_typing_result_projection'))
    )
    op.create_index('ix_typing_projection_year', 'typing_result_projection', ['year', 'region_code'], unique=False)
    op.create_table('contact_point_business',
    sa.Column('contact_point_id', sa.String(length=40), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_point_id'], ['contact_point.id'], name=op.f('fk_contact_point_business_contact_point_id_contact_point')),
    sa.PrimaryKeyConstraint('contact_point_id', 'uscc', name=op.f('pk_contact_point_business'))
    )
    op.create_index(op.f('ix_contact_point_business_uscc'), 'contact_point_business', ['uscc'], unique=False)
    op.create_table('policy_publication',
    sa.Column('seq', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('policy_id', sa.String(length=40), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['policy_id'], ['policy.id'], name=op.f('fk_policy_publication_policy_id_policy')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_policy_publication'))
    )
    op.create_index(op.f('ix_policy_publication_policy_id'), 'policy_publication', ['policy_id'], unique=False)
    # ### end Alembic commands ###


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_index(op.f('ix_policy_publication_policy_id'), table_name='policy_publication')
    op.drop_table('policy_publication')
    op.drop_index(op.f('ix_contact_point_business_uscc'), table_name='contact_point_business')
    op.drop_table('contact_point_business')
    op.drop_index('ix_typing_projection_year', table_name='typing_result_projection')
    op.drop_table('typing_result_projection')
    op.drop_index(op.f('ix_return_read_uscc'), table_name='return_read')
    op.drop_table('return_read')
    op.drop_index(op.f('ix_recognition_projection_uscc'), table_name='recognition_projection')
    op.drop_table('recognition_projection')
    op.drop_index('ix_policy_status_from', table_name='policy')
    op.drop_table('policy')
    op.drop_index('ix_return_region_period', table_name='operating_return')
    op.drop_index('ix_return_period', table_name='operating_return')
    op.drop_table('operating_return')
    op.drop_index(op.f('ix_contact_point_region_code'), table_name='contact_point')
    op.drop_table('contact_point')
    op.drop_index(op.f('ix_business_projection_region_code'), table_name='business_projection')
    op.drop_table('business_projection')
    op.drop_table('appeal_projection')
    schema_steps.outbox_rows_deleted_once_published_downgrade(op)
    schema_steps.kit_tables_downgrade(op)
    # ### end Alembic commands ###
