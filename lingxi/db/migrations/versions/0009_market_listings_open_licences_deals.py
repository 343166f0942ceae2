"""market: listings, open licences, deals and events

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21 11:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('market_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('organiser', sa.String(length=200), nullable=True),
    sa.Column('participants', sa.JSON(), nullable=False),
    sa.Column('trainees', sa.Integer(), nullable=False),
    sa.Column('patent_ids', sa.JSON(), nullable=False),
    sa.Column('demand_ids', sa.JSON(), nullable=False),
    sa.Column('enquiries', sa.Integer(), nullable=False),
    sa.Column('deal_ids', sa.JSON(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_events'))
    )
    with op.batch_alter_table('market_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_events_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_events_kind'), ['kind'], unique=False)

    op.create_table('market_parameters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_parameters')),
    sa.UniqueConstraint('key', name=op.f('uq_market_parameters_key'))
    )
    op.create_table('open_licence_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patent_id', sa.Integer(), nullable=False),
    sa.Column('patent_number', sa.String(length=40), nullable=False),
    sa.Column('patentee', sa.String(length=400), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('payment_method', sa.String(length=200), nullable=False),
    sa.Column('fee_standard', sa.Text(), nullable=False),
    sa.Column('upfront_fee_yuan', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('royalty_rate', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('licence_term_years', sa.Integer(), nullable=False),
    sa.Column('other_matters', sa.Text(), nullable=True),
    sa.Column('try_before_pay', sa.JSON(), nullable=True),
    sa.Column('pledgee_consent', sa.Boolean(), nullable=False),
    sa.Column('evaluation_report', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_open_licence_declarations_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['patent_id'], ['patents.id'], name=op.f('fk_open_licence_declarations_patent_id_patents'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open_licence_declarations'))
    )
    with op.batch_alter_table('open_licence_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_open_licence_declarations_patent_id'), ['patent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_open_licence_declarations_status'), ['status'], unique=False)

    op.create_table('market_listings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('asking_price_yuan', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('terms', sa.Text(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('publicity_days', sa.Integer(), nullable=False),
    sa.Column('publicity_start', sa.Date(), nullable=True),
    sa.Column('publicity_end', sa.Date(), nullable=True),
    sa.Column('deal_publicity_end', sa.Date(), nullable=True),
    sa.Column('broker_user_id', sa.Integer(), nullable=True),
    sa.Column('decided_by', sa.String(length=80), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['broker_user_id'], ['users.id'], name=op.f('fk_market_listings_broker_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_market_listings_organisation_id_organisations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_listings'))
    )
    with op.batch_alter_table('market_listings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_listings_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_listings_status'), ['status'], unique=False)

    op.create_table('market_deals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('reference', sa.String(length=80), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=True),
    sa.Column('declaration_id', sa.Integer(), nullable=True),
    sa.Column('supplier', sa.String(length=400), nullable=False),
    sa.Column('supplier_organisation_id', sa.Integer(), nullable=True),
    sa.Column('counterparty', sa.String(length=400), nullable=False),
    sa.Column('counterparty_organisation_id', sa.Integer(), nullable=True),
    sa.Column('broker_user_id', sa.Integer(), nullable=True),
    sa.Column('contract_amount_yuan', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('received_yuan', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('effective_on', sa.Date(), nullable=True),
    sa.Column('licence_end', sa.Date(), nullable=True),
    sa.Column('filing_deadline', sa.Date(), nullable=True),
    sa.Column('filing_number', sa.String(length=60), nullable=True),
    sa.Column('filed_on', sa.Date(), nullable=True),
    sa.Column('registration_number', sa.String(length=60), nullable=True),
    sa.Column('registered_on', sa.Date(), nullable=True),
    sa.Column('implementation_status', sa.Text(), nullable=True),
    sa.Column('implementation_evidence', sa.JSON(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['broker_user_id'], ['users.id'], name=op.f('fk_market_deals_broker_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['counterparty_organisation_id'], ['organisations.id'], name=op.f('fk_market_deals_counterparty_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['declaration_id'], ['open_licence_declarations.id'], name=op.f('fk_market_deals_declaration_id_open_licence_declarations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['listing_id'], ['market_listings.id'], name=op.f('fk_market_deals_listing_id_market_listings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['supplier_organisation_id'], ['organisations.id'], name=op.f('fk_market_deals_supplier_organisation_id_organisations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_deals')),
    sa.UniqueConstraint('reference', name=op.f('uq_market_deals_reference'))
    )
    with op.batch_alter_table('market_deals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_deals_broker_user_id'), ['broker_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_deals_filing_deadline'), ['filing_deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_deals_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_deals_state'), ['state'], unique=False)

    op.create_table('market_enquiries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('asked_by', sa.String(length=80), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['listing_id'], ['market_listings.id'], name=op.f('fk_market_enquiries_listing_id_market_listings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_market_enquiries_organisation_id_organisations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_enquiries'))
    )
    with op.batch_alter_table('market_enquiries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_enquiries_listing_id'), ['listing_id'], unique=False)

    op.create_table('market_listing_patents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('patent_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['listing_id'], ['market_listings.id'], name=op.f('fk_market_listing_patents_listing_id_market_listings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['patent_id'], ['patents.id'], name=op.f('fk_market_listing_patents_patent_id_patents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_listing_patents')),
    sa.UniqueConstraint('listing_id', 'patent_id', name=op.f('uq_market_listing_patents_listing_id_patent_id'))
    )
    with op.batch_alter_table('market_listing_patents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_listing_patents_listing_id'), ['listing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_listing_patents_patent_id'), ['patent_id'], unique=False)

    op.create_table('market_deal_patents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('patent_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['market_deals.id'], name=op.f('fk_market_deal_patents_deal_id_market_deals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['patent_id'], ['patents.id'], name=op.f('fk_market_deal_patents_patent_id_patents'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_deal_patents')),
    sa.UniqueConstraint('deal_id', 'patent_id', name=op.f('uq_market_deal_patents_deal_id_patent_id'))
    )
    with op.batch_alter_table('market_deal_patents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_deal_patents_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_deal_patents_patent_id'), ['patent_id'], unique=False)

    op.create_table('market_deal_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('amount_yuan', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.String(length=80), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['market_deals.id'], name=op.f('fk_market_deal_payments_deal_id_market_deals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_deal_payments'))
    )
    with op.batch_alter_table('market_deal_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_deal_payments_deal_id'), ['deal_id'], unique=False)

    op.create_table('market_deal_transitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=True),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['market_deals.id'], name=op.f('fk_market_deal_transitions_deal_id_market_deals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_deal_transitions'))
    )
    with op.batch_alter_table('market_deal_transitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_deal_transitions_deal_id'), ['deal_id'], unique=False)

    op.create_table('market_negotiation_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enquiry_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(length=80), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('offer_yuan', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['enquiry_id'], ['market_enquiries.id'], name=op.f('fk_market_negotiation_entries_enquiry_id_market_enquiries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_negotiation_entries'))
    )
    with op.batch_alter_table('market_negotiation_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_negotiation_entries_enquiry_id'), ['enquiry_id'], unique=False)

    op.create_table('open_licence_acceptances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('licensee', sa.String(length=400), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('notified_on', sa.Date(), nullable=False),
    sa.Column('paid_yuan', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('trial_until', sa.Date(), nullable=True),
    sa.Column('deal_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['market_deals.id'], name=op.f('fk_open_licence_acceptances_deal_id_market_deals'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['declaration_id'], ['open_licence_declarations.id'], name=op.f('fk_open_licence_acceptances_declaration_id_open_licence_declarations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_open_licence_acceptances_organisation_id_organisations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open_licence_acceptances')),
    sa.UniqueConstraint('declaration_id', 'licensee', name=op.f('uq_open_licence_acceptances_declaration_id_licensee'))
    )
    with op.batch_alter_table('open_licence_acceptances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_open_licence_acceptances_declaration_id'), ['declaration_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('open_licence_acceptances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_open_licence_acceptances_declaration_id'))

    op.drop_table('open_licence_acceptances')
    with op.batch_alter_table('market_negotiation_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_market_negotiation_entries_enquiry_id'))

    op.drop_table('market_negotiation_entries')
    with op.batch_alter_table('market_deal_transitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_market_deal_transitions_deal_id'))

    op.drop_table('market_deal_transitions')
    with op.batch_alter_table('market_deal_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_market_deal_payments_deal_id'))

    op.drop_table('market_deal_payments')
    with op.batch_alter_table('market_deal_patents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_market_deal_patents_patent_id'))
        batch_op.drop_index(batch_op.f('ix_market_deal_patents_deal_id'))

    op.drop_table('market_deal_patents')
    with op.batch_alter_table('market_listing_patents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_market_listing_patents_patent_id'))
        batch_op.drop_index(batch_op.f('ix_market_listing_patents_listing_id'))

    op.drop_table('market_listing_patents')
    with op.batch_alter_table('market_enquiries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_market_enquiries_listing_id'))

    op.drop_table('market_enquiries')
    with op.batch_alter_table('market_deals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_market_deals_state'))
        batch_op.drop_index(batch_op.f('ix_market_deals_kind'))
        batch_op.drop_index(batch_op.f('ix_market_deals_filing_deadline'))
        batch_op.drop_index(batch_op.f('ix_market_deals_broker_user_id'))

    op.drop_table('market_deals')
    with op.batch_alter_table('market_listings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_market_listings_status'))
        batch_op.drop_index(batch_op.f('ix_market_listings_organisation_id'))

    op.drop_table('market_listings')
    with op.batch_alter_table('open_licence_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_open_licence_declarations_status'))
        batch_op.drop_index(batch_op.f('ix_open_licence_declarations_patent_id'))

    op.drop_table('open_licence_declarations')
    op.drop_table('market_parameters')
    with op.batch_alter_table('market_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_market_events_kind'))
        batch_op.drop_index(batch_op.f('ix_market_events_held_on'))

    op.drop_table('market_events')
