"""enterprise operating records: yearly operating figures, patent-product filings, cultivated platforms

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-21 12:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('enterprise_operating_years',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('revenue_yuan', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('patent_revenue_yuan', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('employees', sa.Integer(), nullable=True),
    sa.Column('rd_spend_yuan', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_enterprise_operating_years_organisation_id_organisations'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_operating_years')),
    sa.UniqueConstraint('organisation_id', 'year', name=op.f('uq_enterprise_operating_years_organisation_id_year'))
    )
    with op.batch_alter_table('enterprise_operating_years', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_operating_years_organisation_id'), ['organisation_id'],
                              unique=False)

    op.create_table('patent_product_filings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('product_name', sa.String(length=300), nullable=False),
    sa.Column('patent_numbers', sa.JSON(), nullable=False),
    sa.Column('patent_ids', sa.JSON(), nullable=False),
    sa.Column('filing_number', sa.String(length=80), nullable=True),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('authority', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_patent_product_filings_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patent_product_filings')),
    sa.UniqueConstraint('filing_number', name=op.f('uq_patent_product_filings_filing_number'))
    )
    with op.batch_alter_table('patent_product_filings', schema=None) as batch_op:
        batch_op.create_index('ix_patent_product_filings_filed_on', ['filed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_patent_product_filings_organisation_id'), ['organisation_id'],
                              unique=False)

    op.create_table('cultivated_platforms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('province', sa.String(length=32), nullable=True),
    sa.Column('city', sa.String(length=32), nullable=True),
    sa.Column('recognised_on', sa.Date(), nullable=False),
    sa.Column('recognised_by', sa.String(length=200), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_cultivated_platforms_organisation_id_organisations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cultivated_platforms'))
    )
    with op.batch_alter_table('cultivated_platforms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cultivated_platforms_organisation_id'), ['organisation_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('cultivated_platforms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cultivated_platforms_organisation_id'))
    op.drop_table('cultivated_platforms')
    with op.batch_alter_table('patent_product_filings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patent_product_filings_organisation_id'))
        batch_op.drop_index('ix_patent_product_filings_filed_on')
    op.drop_table('patent_product_filings')
    with op.batch_alter_table('enterprise_operating_years', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_operating_years_organisation_id'))
    op.drop_table('enterprise_operating_years')
