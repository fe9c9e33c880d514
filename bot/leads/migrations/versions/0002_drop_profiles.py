"""Drops `profiles`, where earlier versions stored every confirmed profile without asking: the lead
store now keeps a profile only with the user's consent (profile_snapshots).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("profiles"):
        op.drop_table("profiles")


def downgrade() -> None:
    pass  # the rows were kept without consent: they are not to come back
