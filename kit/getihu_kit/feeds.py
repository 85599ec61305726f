"""National feeds: a table of changes read in commit order by a resumable cursor (typing's published
results, cultivation's recognitions), one way for both.

A feed table has a BIGSERIAL `seq`, the order the national 名录 reads in. A sequence is drawn at
insert, but transactions commit in their own order: were two writers free to interleave, a reader
could see seq 7 committed while 6 is still open, move its cursor past 7 and never see 6. So every
writer takes the feed's transaction-scoped advisory lock (`take_turn`) before it inserts: seqs are
drawn one transaction at a time and the lock is released only at commit, so an entry is visible
only after every entry with a lower seq is (a rolled-back seq is a gap, never a hole a reader
skips). Readers take no lock; writers of a feed wait for each other, which their volumes allow (a
publication chunk, an appeal's correction, a recognition's change). A writer takes its turn after the
rows it changes are locked: the feed's lock is the last its transaction waits for, so two writers never
wait on each other.
"""
from __future__ import annotations

from sqlalchemy import Select, Table, text
from sqlalchemy.orm import Session

from getihu_kit.idempotency import lock_id
from getihu_kit.pagination import PageRequest, encode_cursor, keyset_page, page_params

# Who reads a national feed: the national 名录's client, and the prefecture checking what it receives.
FEED_READERS = ("national_directory", "prefecture_staff", "admin")
# What a feed's client may ask for at once (the typing feed's bound since its first version).
FeedPageRequest = page_params(1000, default=500)


def take_turn(session: Session, table: Table) -> None:
    """Wait for the feed's other writers, until this transaction ends: call it before inserting."""
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_id("feed", table.name)})


def feed_page(session: Session, stmt: Select, *, table: Table, page: PageRequest) -> tuple[list, str | None]:
    """The entries of `stmt` (over the feed `table`) after the cursor in seq order, and the cursor to
    resume from: after the last entry given, or the caller's own when there was none, so a client
    that has caught up keeps asking with the same cursor."""
    seq = table.c.seq
    rows, nxt = keyset_page(session, stmt, keys=[seq], page=page, key_of=lambda r: (r._mapping[seq],))
    if nxt is None:
        nxt = encode_cursor([rows[-1]._mapping[seq]]) if rows else page.cursor
    return rows, nxt
