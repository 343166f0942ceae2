"""navigation reports (GB/T 39551)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-21 12:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('navigation_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_type', sa.String(length=24), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('benchmark', sa.Text(), nullable=True),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('data_version', sa.JSON(), nullable=False),
    sa.Column('analyses', sa.JSON(), nullable=False),
    sa.Column('figures_hash', sa.String(length=64), nullable=False),
    sa.Column('patent_count', sa.Integer(), nullable=False),
    sa.Column('analyses_ms', sa.Integer(), nullable=False),
    sa.Column('regenerated_from', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_navigation_reports'))
    )
    op.create_index(op.f('ix_navigation_reports_report_type'), 'navigation_reports', ['report_type'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_navigation_reports_report_type'), table_name='navigation_reports')
    op.drop_table('navigation_reports')
