#!/usr/bin/env bash
# Print running/stopped. Exit 0 only if our broker runs and answers an Admin API call, else 3.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$HERE/common.sh"

if pid="$(kafka_pid)"; then
    if port_open "$KAFKA_PORT" && kafka_answers; then
        echo "kafka: running (pid $pid) on $BOOTSTRAP"
        exit 0
    fi
    echo "kafka: running (pid $pid) but not answering on $BOOTSTRAP"
    exit 3
fi
echo "kafka: stopped"
exit 3
