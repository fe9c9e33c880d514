"""Adds `checkins`: the planned check-ins of a lead and their delivery state (docs/coaching.md).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("lead_id", sa.Integer,
                  sa.ForeignKey("leads.id", name="fk_checkins_lead_id_leads", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        _timestamp("due_at"),
        _timestamp("next_attempt_at"),
        _timestamp("claimed_at", nullable=True),
        sa.Column("claimed_by", sa.String(255), nullable=True),
        _timestamp("sent_at", nullable=True),
        _timestamp("cancelled_at", nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_checkins"),
        sa.UniqueConstraint("lead_id", "channel", "step", name="uq_checkins_lead_id_channel_step"),
    )
    op.create_index("ix_checkins_lead_id", "checkins", ["lead_id"])
    op.create_index("ix_checkins_sender_id", "checkins", ["sender_id"])
    op.create_index("ix_checkins_due", "checkins", ["sent_at", "cancelled_at", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("checkins")
