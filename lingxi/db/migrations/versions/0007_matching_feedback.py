"""matching feedback

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 10:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('match_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('demand_id', sa.Integer(), nullable=True),
    sa.Column('query_hash', sa.String(length=64), nullable=True),
    sa.Column('patent_id', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_match_feedback_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['patent_id'], ['patents.id'], name=op.f('fk_match_feedback_patent_id_patents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_match_feedback_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_feedback'))
    )
    with op.batch_alter_table('match_feedback', schema=None) as batch_op:
        batch_op.create_index('ix_match_feedback_demand', ['demand_id', 'patent_id'], unique=False)
        batch_op.create_index('ix_match_feedback_organisation', ['organisation_id', 'patent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_feedback_patent_id'), ['patent_id'], unique=False)
        batch_op.create_index('ix_match_feedback_query', ['query_hash', 'patent_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('match_feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_match_feedback_query')
        batch_op.drop_index(batch_op.f('ix_match_feedback_patent_id'))
        batch_op.drop_index('ix_match_feedback_organisation')
        batch_op.drop_index('ix_match_feedback_demand')

    op.drop_table('match_feedback')
