"""runs and publications are kit jobs

A run's work (its evaluation, then its publication) is a job in the kit's `jobs` table, which the
first revision already created: the run names its current job (`job_id`), the job's lease replaces
the run's own heartbeat, and a publication in chunks keeps its marker (`published_through`).

A database made by the earlier revisions gets one job per run: a queued or running run (the worker
of the old claim loop took it, or was about to) a queued job, so the job loop takes it up from a clean
slate; a finished run a finished job with its counts.

Revision ID: 202612020005
Revises: 202611272311
Create Date: 2026-12-02 00:05:00
"""
from alembic import op
import sqlalchemy as sa

revision = '202612020005'
down_revision = '202611272311'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('typing_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('published_through', sa.String(length=18), nullable=True))
    op.execute("UPDATE typing_run SET job_id = 'ty_' || replace(gen_random_uuid()::text, '-', '')")
    op.execute("""
        INSERT INTO jobs (id, kind, params, content_type, status, progress, processed, accepted, rejected, errors,
                          message, size_bytes, created_by, created_at, started_at, heartbeat_at, finished_at)
        SELECT r.job_id, 'typing_run', json_build_object('run_id', r.id), NULL,
               CASE WHEN r.status IN ('queued', 'running') THEN 'queued'
                    WHEN r.status = 'failed' THEN 'failed' ELSE 'completed' END,
               CASE WHEN r.status IN ('completed', 'published') THEN 1.0 ELSE 0.0 END,
               n.total, n.total, 0, '[]'::json, CASE WHEN r.status = 'failed' THEN r.message END, 0, r.created_by,
               r.created_at, CASE WHEN r.status NOT IN ('queued', 'running') THEN r.started_at END,
               NULL, CASE WHEN r.status NOT IN ('queued', 'running') THEN r.finished_at END
        FROM typing_run r
        CROSS JOIN LATERAL (SELECT CASE WHEN r.status IN ('completed', 'published')
                                        THEN coalesce((SELECT sum(value::int) FROM json_each_text(r.counts)), 0)
                                        ELSE 0 END AS total) n""")
    op.execute("UPDATE typing_run SET status = 'queued', progress = 0 WHERE status = 'running'")
    with op.batch_alter_table('typing_run', schema=None) as batch_op:
        batch_op.alter_column('job_id', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('heartbeat_at')


def downgrade() -> None:
    with op.batch_alter_table('typing_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("DELETE FROM jobs WHERE kind IN ('typing_run', 'typing_publish')")
    # A publication in progress cannot be carried back: the old code published in one transaction.
    op.execute("UPDATE typing_run SET status = 'completed' WHERE status = 'publishing' AND published_through IS NULL")
    with op.batch_alter_table('typing_run', schema=None) as batch_op:
        batch_op.drop_column('published_through')
        batch_op.drop_column('job_id')
