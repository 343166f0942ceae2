"""market items remember whether a push run announced them

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-21 17:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

TABLES = {"market_listings": ("listing", "approved"), "open_licence_declarations": ("open_licence", "published")}


def upgrade() -> None:
    for table, (source, status) in TABLES.items():
        # A plain ADD COLUMN (SQLite allows it with a default): a batch copy of the table would drop the old one,
        # which SQLite refuses while listing patents and deals point at it (foreign keys are on)
        op.add_column(table, sa.Column('push_announced', sa.Boolean(), server_default=sa.false(), nullable=False))
        op.create_index(op.f(f'ix_{table}_push_announced'), table, ['push_announced'], unique=False)
        # Until now a run announced the items up to its id watermark: those stay announced
        op.execute(sa.text(f"UPDATE {table} SET push_announced = :yes WHERE status = :status AND id <= "
                           f"COALESCE((SELECT last_id FROM push_cursors WHERE source = :source), 0)")
                   .bindparams(yes=True, status=status, source=source))


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(op.f(f'ix_{table}_push_announced'), table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('push_announced')
