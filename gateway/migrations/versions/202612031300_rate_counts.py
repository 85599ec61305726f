"""the anonymous callers' counts shared by every gateway process

UNLOGGED: the counts are a minute's worth of traffic; a crash of the server that loses them costs
only that minute's leniency, and no WAL is written for the busiest table of the public path.

Revision ID: 202612031300
Revises:
Create Date: 2026-12-03 13:00:00
"""
from alembic import op

revision = '202612031300'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE UNLOGGED TABLE rate_counts (
            rule varchar(40) NOT NULL,
            address varchar(64) NOT NULL,
            window_no bigint NOT NULL,
            count integer NOT NULL,
            expires_at bigint NOT NULL,
            CONSTRAINT pk_rate_counts PRIMARY KEY (rule, address, window_no)
        )""")
    op.create_index("ix_rate_counts_expires_at", "rate_counts", ["expires_at"])


def downgrade() -> None:
    op.drop_table("rate_counts")
