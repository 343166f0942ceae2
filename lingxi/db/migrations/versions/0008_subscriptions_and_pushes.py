"""subscriptions and pushes

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 10:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
