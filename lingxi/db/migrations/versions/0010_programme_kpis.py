"""programme KPIs: programmes, indicators, adjustments, patent flags

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-21 11:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kpi_programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('region_level', sa.String(length=12), nullable=False),
    sa.Column('province', sa.String(length=32), nullable=True),
    sa.Column('city', sa.String(length=32), nullable=True),
    sa.Column('park', sa.String(length=200), nullable=True),
    sa.Column('park_members', sa.JSON(), nullable=False),
    sa.Column('start_year', sa.Integer(), nullable=False),
    sa.Column('end_year', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_programmes')),
    sa.UniqueConstraint('key', name=op.f('uq_kpi_programmes_key'))
    )
    op.create_table('kpi_indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('number', sa.String(length=12), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.Text(), nullable=False),
    sa.Column('name_en', sa.Text(), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('computation', sa.String(length=60), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('target_kind', sa.String(length=12), nullable=False),
    sa.Column('targets', sa.JSON(), nullable=False),
    sa.Column('target_text', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['kpi_programmes.id'],
                            name=op.f('fk_kpi_indicators_programme_id_kpi_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_indicators')),
    sa.UniqueConstraint('programme_id', 'key', name=op.f('uq_kpi_indicators_programme_id_key'))
    )
    with op.batch_alter_table('kpi_indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpi_indicators_programme_id'), ['programme_id'], unique=False)

    op.create_table('kpi_adjustments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('delta', sa.Numeric(precision=20, scale=4), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['kpi_indicators.id'],
                            name=op.f('fk_kpi_adjustments_indicator_id_kpi_indicators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_adjustments'))
    )
    with op.batch_alter_table('kpi_adjustments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpi_adjustments_indicator_id'), ['indicator_id'], unique=False)

    op.create_table('kpi_patent_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patent_id', sa.Integer(), nullable=False),
    sa.Column('flag', sa.String(length=40), nullable=False),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['patent_id'], ['patents.id'],
                            name=op.f('fk_kpi_patent_flags_patent_id_patents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_patent_flags')),
    sa.UniqueConstraint('patent_id', 'flag', name=op.f('uq_kpi_patent_flags_patent_id_flag'))
    )
    with op.batch_alter_table('kpi_patent_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpi_patent_flags_patent_id'), ['patent_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('kpi_patent_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_patent_flags_patent_id'))
    op.drop_table('kpi_patent_flags')
    with op.batch_alter_table('kpi_adjustments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_adjustments_indicator_id'))
    op.drop_table('kpi_adjustments')
    with op.batch_alter_table('kpi_indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_indicators_programme_id'))
    op.drop_table('kpi_indicators')
    op.drop_table('kpi_programmes')
