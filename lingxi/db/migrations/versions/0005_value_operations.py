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
    pass


def downgrade() -> None:
    pass
