#!/usr/bin/env bash
# Stop a private cluster (fast mode: roll back open transactions, then clean shutdown). Idempotent.
# Env: PG_DATA_DIR (var/test-postgres; make up's is var/postgres), as for start.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$HERE/common.sh"

if ! locate_cluster || ! pg_running; then
    echo "postgres: not running ($REQ_DIR)"
    exit 0
fi
use_cluster_owner
if PG_BIN="$(find_pg_bin)"; then
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 60 stop >/dev/null
else
    # The venv is gone but the server runs: SIGINT is what pg_ctl -m fast sends.
    pid="$(pg_pid)"
    kill -INT "$pid"
    for _ in $(seq 1 240); do
        alive "$pid" || break
        sleep 0.25
    done
    if alive "$pid"; then
        echo "postgres: server $pid did not stop within 60 s" >&2
        exit 1
    fi
fi
echo "postgres: stopped ($DATA_DIR)"
