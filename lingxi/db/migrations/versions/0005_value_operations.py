"""value operations: awards, populations, comparable transactions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 10:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('value_parameters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_value_parameters')),
    sa.UniqueConstraint('key', name=op.f('uq_value_parameters_key'))
    )
    op.create_table('region_populations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('province', sa.String(length=32), nullable=False),
    sa.Column('city', sa.String(length=32), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_region_populations')),
    sa.UniqueConstraint('province', 'city', 'year', name=op.f('uq_region_populations_province_city_year'))
    )
    op.create_table('patent_awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patent_id', sa.Integer(), nullable=False),
    sa.Column('award', sa.String(length=32), nullable=False),
    sa.Column('level', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['patent_id'], ['patents.id'], name=op.f('fk_patent_awards_patent_id_patents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patent_awards'))
    )
    with op.batch_alter_table('patent_awards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patent_awards_patent_id'), ['patent_id'], unique=False)

    op.create_table('pledge_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patent_id', sa.Integer(), nullable=False),
    sa.Column('pledgor', sa.String(length=400), nullable=False),
    sa.Column('pledgee', sa.String(length=400), nullable=False),
    sa.Column('amount_yuan', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('released_on', sa.Date(), nullable=True),
    sa.Column('registration_number', sa.String(length=40), nullable=True),
    sa.Column('recorded_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['patent_id'], ['patents.id'], name=op.f('fk_pledge_records_patent_id_patents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pledge_records'))
    )
    with op.batch_alter_table('pledge_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledge_records_patent_id'), ['patent_id'], unique=False)

    op.create_table('comparable_transactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patent_id', sa.Integer(), nullable=True),
    sa.Column('field', sa.String(length=80), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('price_yuan', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('deal_date', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['patent_id'], ['patents.id'], name=op.f('fk_comparable_transactions_patent_id_patents'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comparable_transactions'))
    )
    with op.batch_alter_table('comparable_transactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comparable_transactions_field'), ['field'], unique=False)
        batch_op.create_index(batch_op.f('ix_comparable_transactions_patent_id'), ['patent_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('comparable_transactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comparable_transactions_patent_id'))
        batch_op.drop_index(batch_op.f('ix_comparable_transactions_field'))

    op.drop_table('comparable_transactions')
    with op.batch_alter_table('pledge_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledge_records_patent_id'))

    op.drop_table('pledge_records')
    with op.batch_alter_table('patent_awards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patent_awards_patent_id'))

    op.drop_table('patent_awards')
    op.drop_table('region_populations')
    op.drop_table('value_parameters')
