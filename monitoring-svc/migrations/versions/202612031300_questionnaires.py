"""questionnaires: versions, questions, recipients, answers

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
    op.create_table('questionnaire',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('closes_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', 'version', name=op.f('pk_questionnaire'))
    )
    op.create_table('questionnaire_question',
    sa.Column('questionnaire_id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('no', sa.SmallInteger(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('policy_id', sa.String(length=40), nullable=True),
    sa.Column('dimension', sa.String(length=20), nullable=True),
    sa.PrimaryKeyConstraint('questionnaire_id', 'version', 'no', name=op.f('pk_questionnaire_question'))
    )
    op.create_table('questionnaire_recipient',
    sa.Column('questionnaire_id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=False),
    sa.Column('send_id', sa.String(length=40), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('questionnaire_id', 'version', 'uscc', name=op.f('pk_questionnaire_recipient'))
    )
    op.create_index(op.f('ix_questionnaire_recipient_uscc'), 'questionnaire_recipient', ['uscc'], unique=False)
    op.create_index(op.f('ix_questionnaire_recipient_send_id'), 'questionnaire_recipient', ['send_id'], unique=False)
    op.create_table('questionnaire_answer',
    sa.Column('questionnaire_id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=False),
    sa.Column('answered_by', sa.String(length=200), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('questionnaire_id', 'version', 'uscc', name=op.f('pk_questionnaire_answer'))
    )
    op.create_index('ix_answer_answered_at', 'questionnaire_answer', ['answered_at'], unique=False)
    op.create_table('answer_item',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('questionnaire_id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('no', sa.SmallInteger(), nullable=False),
    sa.Column('value', sa.SmallInteger(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_item'))
    )
    op.create_index('ix_answer_item_question', 'answer_item', ['questionnaire_id', 'version', 'no', 'value'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_answer_item_question', table_name='answer_item')
    op.drop_table('answer_item')
    op.drop_index('ix_answer_answered_at', table_name='questionnaire_answer')
    op.drop_table('questionnaire_answer')
    op.drop_index(op.f('ix_questionnaire_recipient_send_id'), table_name='questionnaire_recipient')
    op.drop_index(op.f('ix_questionnaire_recipient_uscc'), table_name='questionnaire_recipient')
    op.drop_table('questionnaire_recipient')
    op.drop_table('questionnaire_question')
    op.drop_table('questionnaire')
