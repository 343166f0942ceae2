"""an operator's register of organisations (type, province, city) that names alone do not reveal

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-22 03:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'registered_organisations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cluster_key', sa.String(length=400), nullable=False),
        sa.Column('name', sa.String(length=400), nullable=False),
        sa.Column('party_type', sa.String(length=24), nullable=True),
        sa.Column('province', sa.String(length=32), nullable=True),
        sa.Column('city', sa.String(length=32), nullable=True),
        sa.Column('source', sa.String(length=400), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('cluster_key'),
    )


def downgrade() -> None:
    op.drop_table('registered_organisations')
