"""import jobs count the documents whose full-text description was left out

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-22 01:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN with a default, as in 0016 (a batch copy would drop a table others point at)
    op.add_column('import_jobs', sa.Column('descriptions_left_out', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.drop_column('descriptions_left_out')
