"""the 名录's name search and USCC lookup served by indexes

A stored generated column of the name's character pairs (bigrams), normalised (NFKC: full-width to
half-width; upper case) and indexed by GIN: every writer of a business — the API, the bulk import, any
set-based statement — maintains it by writing the name, nothing else to call. pg_trgm cannot index
two-character Chinese patterns and the server ships no pg_bigm.

Revision ID: 202612030700
Revises: 202611272340
Create Date: 2026-12-03 07:00:00
"""
from alembic import op

revision = '202612030700'
down_revision = '202611272340'
branch_labels = None
depends_on = None

NORMALISE = """
CREATE FUNCTION directory_normalise(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN upper(normalize(t, NFKC))
"""

# A loop, not array_agg(DISTINCT …) over generate_series: 18× cheaper per name (measured 3.8 µs against
# 70 µs), which every insert and bulk import pays. Repeated pairs are harmless: GIN keeps each key once.
BIGRAMS = """
CREATE FUNCTION directory_bigrams(t text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  n text := coalesce(directory_normalise(t), '');
  pairs text[] := '{}';
BEGIN
  FOR i IN 1 .. char_length(n) - 1 LOOP
    pairs := pairs || substr(n, i, 2);
  END LOOP;
  RETURN pairs;
END
$$
"""


def upgrade() -> None:
    op.execute(NORMALISE)
    op.execute(BIGRAMS)
    op.execute("ALTER TABLE businesses ADD COLUMN name_bigrams text[] "
               "GENERATED ALWAYS AS (directory_bigrams(name)) STORED")
    op.execute("CREATE INDEX ix_businesses_name_bigrams ON businesses USING gin (name_bigrams)")
    # A keyword that is a whole name: the first tier of a ranked search, read in USCC order.
    op.execute("CREATE INDEX ix_businesses_name_normalised ON businesses (directory_normalise(name), uscc)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_businesses_name_normalised")
    op.execute("DROP INDEX IF EXISTS ix_businesses_name_bigrams")
    op.execute("ALTER TABLE businesses DROP COLUMN name_bigrams")
    op.execute("DROP FUNCTION directory_bigrams(text)")
    op.execute("DROP FUNCTION directory_normalise(text)")
