"""patent tags indexed with their node, status and confidence, so matching reads them from the index alone

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-22 05:50:00
"""

from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the old (patent_id, taxonomy_name) index is a prefix of the new one
    op.drop_index('ix_patent_tags_patent_taxonomy', table_name='patent_tags')
    op.create_index('ix_patent_tags_patent_taxonomy_node', 'patent_tags',
                    ['patent_id', 'taxonomy_name', 'node_key', 'status', 'confidence'])


def downgrade() -> None:
    op.drop_index('ix_patent_tags_patent_taxonomy_node', table_name='patent_tags')
    op.create_index('ix_patent_tags_patent_taxonomy', 'patent_tags', ['patent_id', 'taxonomy_name'])
