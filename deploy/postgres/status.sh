#!/usr/bin/env bash
# Print running/stopped. Exit 0 if the private cluster runs and accepts connections, else 3.
# Env: PG_DATA_DIR and PG_PORT, as for start.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$HERE/common.sh"

if locate_cluster && pg_running; then
    # The port it really listens on (line 4 of postmaster.pid), whatever PG_PORT says.
    port="$(sed -n 4p "$PGDATA_DIR/postmaster.pid" 2>/dev/null || true)"
    if [[ "$port" =~ ^[0-9]+$ ]]; then
        PG_PORT="$port"
        BASE_URL="postgresql+psycopg://$PG_APP_USER:$PG_APP_USER@$PG_HOST:$PG_PORT/"
    fi
    if PG_BIN="$(find_pg_bin)" && pg_answers; then
        echo "postgres: running on $PG_HOST:$PG_PORT ($BASE_URL, data $DATA_DIR)"
        exit 0
    fi
    echo "postgres: running but not answering on $PG_HOST:$PG_PORT (data $DATA_DIR)"
    exit 3
fi
echo "postgres: stopped ($REQ_DIR)"
exit 3
