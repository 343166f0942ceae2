"""enterprise files and demands

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 10:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('enterprise_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('industry_code', sa.String(length=8), nullable=True),
    sa.Column('size_class', sa.String(length=8), nullable=True),
    sa.Column('products', sa.Text(), nullable=True),
    sa.Column('employees', sa.Integer(), nullable=True),
    sa.Column('founded', sa.Date(), nullable=True),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('contacts', sa.JSON(), nullable=False),
    sa.Column('risk_indicators', sa.JSON(), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_enterprise_profiles_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_profiles')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_enterprise_profiles_organisation_id'))
    )

    op.create_table('enterprise_patent_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('decided_by', sa.String(length=80), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_enterprise_patent_links_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_enterprise_patent_links_party_id_parties'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_patent_links')),
    sa.UniqueConstraint('organisation_id', 'party_id', name=op.f('uq_enterprise_patent_links_organisation_id_party_id'))
    )
    with op.batch_alter_table('enterprise_patent_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_patent_links_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_patent_links_party_id'), ['party_id'], unique=False)

    op.create_table('demands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=4), nullable=False),
    sa.Column('chain_taxonomy', sa.String(length=80), nullable=True),
    sa.Column('chain_node', sa.String(length=80), nullable=True),
    sa.Column('chain_node_auto', sa.Boolean(), nullable=False),
    sa.Column('chain_evidence', sa.JSON(), nullable=False),
    sa.Column('technical_indicators', sa.JSON(), nullable=False),
    sa.Column('trl_min', sa.Integer(), nullable=True),
    sa.Column('trl_max', sa.Integer(), nullable=True),
    sa.Column('budget_min', sa.BigInteger(), nullable=True),
    sa.Column('budget_max', sa.BigInteger(), nullable=True),
    sa.Column('preferred_mode', sa.String(length=16), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('confidentiality', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('origin', sa.String(length=12), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.Column('mining_reason', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_demands_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demands'))
    )
    with op.batch_alter_table('demands', schema=None) as batch_op:
        batch_op.create_index('ix_demands_chain', ['chain_taxonomy', 'chain_node'], unique=False)
        batch_op.create_index('ix_demands_organisation_status', ['organisation_id', 'status'], unique=False)

    op.create_table('demand_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('demand_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=12), nullable=True),
    sa.Column('to_status', sa.String(length=12), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['demand_id'], ['demands.id'], name=op.f('fk_demand_status_changes_demand_id_demands'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demand_status_changes'))
    )
    with op.batch_alter_table('demand_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demand_status_changes_demand_id'), ['demand_id'], unique=False)

    op.create_table('training_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('trainees', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_training_records_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_records'))
    )
    with op.batch_alter_table('training_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_records_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('due_diligence_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_due_diligence_notes_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_due_diligence_notes'))
    )
    with op.batch_alter_table('due_diligence_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_due_diligence_notes_organisation_id'), ['organisation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('due_diligence_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_due_diligence_notes_organisation_id'))
    op.drop_table('due_diligence_notes')
    with op.batch_alter_table('training_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_records_organisation_id'))
    op.drop_table('training_records')
    with op.batch_alter_table('demand_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demand_status_changes_demand_id'))
    op.drop_table('demand_status_changes')
    with op.batch_alter_table('demands', schema=None) as batch_op:
        batch_op.drop_index('ix_demands_organisation_status')
        batch_op.drop_index('ix_demands_chain')
    op.drop_table('demands')
    with op.batch_alter_table('enterprise_patent_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_patent_links_party_id'))
        batch_op.drop_index(batch_op.f('ix_enterprise_patent_links_organisation_id'))
    op.drop_table('enterprise_patent_links')
    op.drop_table('enterprise_profiles')
