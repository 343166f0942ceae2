"""talent-patent database

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-21 12:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('talents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=400), nullable=False),
    sa.Column('name_key', sa.String(length=400), nullable=False),
    sa.Column('patent_count', sa.Integer(), nullable=False),
    sa.Column('first_year', sa.Integer(), nullable=True),
    sa.Column('last_year', sa.Integer(), nullable=True),
    sa.Column('main_affiliation', sa.String(length=400), nullable=True),
    sa.Column('main_affiliation_party_id', sa.Integer(), nullable=True),
    sa.Column('province', sa.String(length=32), nullable=True),
    sa.Column('city', sa.String(length=32), nullable=True),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('value_score', sa.Float(), nullable=True),
    sa.Column('value_total', sa.Float(), nullable=False),
    sa.Column('grade_counts', sa.JSON(), nullable=False),
    sa.Column('name_frequency', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['main_affiliation_party_id'], ['parties.id'], name=op.f('fk_talents_main_affiliation_party_id_parties'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_talents_party_id_parties'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talents'))
    )
    with op.batch_alter_table('talents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_talents_name_key'), ['name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_talents_party_id'), ['party_id'], unique=False)

    op.create_table('talent_mentions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('talent_id', sa.Integer(), nullable=False),
    sa.Column('patent_party_id', sa.Integer(), nullable=False),
    sa.Column('patent_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['patent_id'], ['patents.id'], name=op.f('fk_talent_mentions_patent_id_patents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['patent_party_id'], ['patent_parties.id'], name=op.f('fk_talent_mentions_patent_party_id_patent_parties'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['talent_id'], ['talents.id'], name=op.f('fk_talent_mentions_talent_id_talents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talent_mentions')),
    sa.UniqueConstraint('patent_party_id', name=op.f('uq_talent_mentions_patent_party_id'))
    )
    with op.batch_alter_table('talent_mentions', schema=None) as batch_op:
        batch_op.create_index('ix_talent_mentions_patent_talent', ['patent_id', 'talent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_talent_mentions_talent_id'), ['talent_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('talent_mentions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_talent_mentions_talent_id'))
        batch_op.drop_index('ix_talent_mentions_patent_talent')

    op.drop_table('talent_mentions')
    with op.batch_alter_table('talents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_talents_party_id'))
        batch_op.drop_index(batch_op.f('ix_talents_name_key'))

    op.drop_table('talents')
