"""value indicators, profiles and scores

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 10:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('value_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('scenario', sa.String(length=24), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('weights', sa.JSON(), nullable=False),
    sa.Column('grade_thresholds', sa.JSON(), nullable=False),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_value_profiles')),
    sa.UniqueConstraint('name', 'version', name=op.f('uq_value_profiles_name_version'))
    )
    with op.batch_alter_table('value_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_value_profiles_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_value_profiles_scenario'), ['scenario'], unique=False)

    op.create_table('patent_indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patent_id', sa.Integer(), nullable=False),
    sa.Column('cohort', sa.String(length=200), nullable=False),
    sa.Column('cohort_level', sa.String(length=16), nullable=False),
    sa.Column('cohort_size', sa.Integer(), nullable=False),
    sa.Column('raw', sa.JSON(), nullable=False),
    sa.Column('normalised', sa.JSON(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['patent_id'], ['patents.id'], name=op.f('fk_patent_indicators_patent_id_patents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patent_indicators')),
    sa.UniqueConstraint('patent_id', name=op.f('uq_patent_indicators_patent_id'))
    )
    with op.batch_alter_table('patent_indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patent_indicators_cohort'), ['cohort'], unique=False)

    op.create_table('patent_value_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patent_id', sa.Integer(), nullable=False),
    sa.Column('scenario', sa.String(length=24), nullable=False),
    sa.Column('profile_name', sa.String(length=80), nullable=False),
    sa.Column('profile_version', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('grade', sa.String(length=2), nullable=False),
    sa.Column('legal', sa.Float(), nullable=True),
    sa.Column('technical', sa.Float(), nullable=True),
    sa.Column('economic', sa.Float(), nullable=True),
    sa.Column('coverage', sa.Float(), nullable=False),
    sa.Column('breakdown', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['patent_id'], ['patents.id'], name=op.f('fk_patent_value_scores_patent_id_patents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patent_value_scores')),
    sa.UniqueConstraint('patent_id', 'scenario', name=op.f('uq_patent_value_scores_patent_id_scenario'))
    )
    with op.batch_alter_table('patent_value_scores', schema=None) as batch_op:
        batch_op.create_index('ix_patent_value_scores_scenario_grade', ['scenario', 'grade'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('patent_value_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_patent_value_scores_scenario_grade')

    op.drop_table('patent_value_scores')
    with op.batch_alter_table('patent_indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patent_indicators_cohort'))

    op.drop_table('patent_indicators')
    with op.batch_alter_table('value_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_value_profiles_scenario'))
        batch_op.drop_index(batch_op.f('ix_value_profiles_name'))

    op.drop_table('value_profiles')
