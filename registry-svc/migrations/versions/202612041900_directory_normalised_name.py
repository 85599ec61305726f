"""the 名录's normalised name stored, not computed per row

A name search's second tier rechecks every match of its character pairs with LIKE on the normalised
name: computed per row (upper(normalize(name, NFKC)), twice), that recheck took ~10 µs a row, 7–25 ms
for a part held by several hundred names at 1,000,000 businesses (bench/request_path.py). Stored by the
database on every write, the recheck is a plain comparison. The whole-name index moves onto the column.
Adding the column rewrites the table once (seconds per million rows).

A common part's matches are found by walking the USCC order: through the table, ~1.5 µs a row and
30 ms for a part held by 1,140 names; through a narrow index of (uscc) with the normalised name, read
without the table (an index-only scan), ~0.15 µs a row.

Revision ID: 202612041900
Revises: 202612031300
Create Date: 2026-12-04 19:00:00
"""
from alembic import op

revision = '202612041900'
down_revision = '202612031300'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE businesses ADD COLUMN name_normalised text "
               "GENERATED ALWAYS AS (directory_normalise(name)) STORED")
    op.execute("DROP INDEX ix_businesses_name_normalised")
    op.execute("CREATE INDEX ix_businesses_name_normalised ON businesses (name_normalised, uscc)")
    op.execute("CREATE INDEX ix_businesses_uscc_name ON businesses (uscc) INCLUDE (name_normalised)")


def downgrade() -> None:
    op.execute("DROP INDEX ix_businesses_uscc_name")
    op.execute("DROP INDEX ix_businesses_name_normalised")
    op.execute("ALTER TABLE businesses DROP COLUMN name_normalised")
    op.execute("CREATE INDEX ix_businesses_name_normalised ON businesses (directory_normalise(name), uscc)")
