#!/usr/bin/env bash
# Print running/stopped. Exit 0 if the private cluster runs and accepts connections, else 3.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$HERE/common.sh"

if PG_BIN="$(find_pg_bin)"; then
    setup_paths
    if pg_running && pg_answers; then
        echo "postgres: running on $PG_HOST:$PG_PORT ($BASE_URL)"
        exit 0
    elif pg_running; then
        echo "postgres: running but not answering on $PG_HOST:$PG_PORT"
        exit 3
    fi
fi
echo "postgres: stopped"
exit 3
