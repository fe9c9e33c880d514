"""The lead store's tables: leads, profile and plan snapshots, consents, status changes, outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _lead_id(table: str) -> sa.Column:
    return sa.Column("lead_id", sa.Integer,
                     sa.ForeignKey("leads.id", name=f"fk_{table}_lead_id_leads", ondelete="CASCADE"),
                     nullable=False)


def upgrade() -> None:
    op.create_table(
        "leads",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("public_id", sa.String(32), nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("channel", sa.String(32), nullable=True),
        sa.Column("entered_by", sa.String(16), nullable=False),
        sa.Column("salesperson", sa.String(255), nullable=True),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("grade", sa.String(1), nullable=True),
        sa.Column("fit_score", sa.Integer, nullable=True),
        sa.Column("readiness_score", sa.Integer, nullable=True),
        sa.Column("qualification", sa.JSON, nullable=True),
        sa.Column("name", sa.String(255), nullable=True),
        sa.Column("company", sa.String(255), nullable=True),
        sa.Column("company_size", sa.String(16), nullable=True),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("call_time", sa.String(255), nullable=True),
        sa.Column("anonymous", sa.Boolean, nullable=False),
        _timestamp("expires_at", nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_leads"),
        sa.UniqueConstraint("public_id", name="uq_leads_public_id"),
    )
    op.create_index("ix_leads_sender_id", "leads", ["sender_id"], unique=True)
    op.create_index("ix_leads_expires_at", "leads", ["expires_at"])
    op.create_index("ix_leads_created_at", "leads", ["created_at"])

    op.create_table(
        "profile_snapshots",
        sa.Column("id", sa.Integer, nullable=False),
        _lead_id("profile_snapshots"),
        sa.Column("data", sa.JSON, nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_profile_snapshots"),
    )
    op.create_index("ix_profile_snapshots_lead_id", "profile_snapshots", ["lead_id"])

    op.create_table(
        "plan_snapshots",
        sa.Column("id", sa.Integer, nullable=False),
        _lead_id("plan_snapshots"),
        sa.Column("payload", sa.JSON, nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_plan_snapshots"),
    )
    op.create_index("ix_plan_snapshots_lead_id", "plan_snapshots", ["lead_id"])

    op.create_table(
        "consents",
        sa.Column("id", sa.Integer, nullable=False),
        _lead_id("consents"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("granted", sa.Boolean, nullable=False),
        sa.Column("notice_version", sa.String(64), nullable=False),
        _timestamp("given_at"),
        sa.Column("channel", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_consents"),
    )
    op.create_index("ix_consents_lead_id", "consents", ["lead_id"])

    op.create_table(
        "status_changes",
        sa.Column("id", sa.Integer, nullable=False),
        _lead_id("status_changes"),
        sa.Column("old_status", sa.String(24), nullable=True),
        sa.Column("new_status", sa.String(24), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        _timestamp("at"),
        sa.PrimaryKeyConstraint("id", name="pk_status_changes"),
    )
    op.create_index("ix_status_changes_lead_id", "status_changes", ["lead_id"])

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("lead_id", sa.Integer,
                  sa.ForeignKey("leads.id", name="fk_outbox_lead_id_leads", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("dedup_key", sa.String(255), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        _timestamp("next_attempt_at"),
        _timestamp("delivered_at", nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("dedup_key", name="uq_outbox_dedup_key"),
    )
    op.create_index("ix_outbox_lead_id", "outbox", ["lead_id"])
    op.create_index("ix_outbox_due", "outbox", ["delivered_at", "next_attempt_at"])


def downgrade() -> None:
    for table in ("outbox", "status_changes", "consents", "plan_snapshots", "profile_snapshots", "leads"):
        op.drop_table(table)
