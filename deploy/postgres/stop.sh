#!/usr/bin/env bash
# Stop the private cluster (fast mode: roll back open transactions, then clean shutdown). Idempotent.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$HERE/common.sh"

if ! PG_BIN="$(find_pg_bin)"; then
    echo "postgres: not installed, so not running"
    exit 0
fi
setup_paths
if ! pg_running; then
    echo "postgres: not running"
    exit 0
fi
as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 60 stop >/dev/null
echo "postgres: stopped"
