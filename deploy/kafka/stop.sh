#!/usr/bin/env bash
# Stop the broker started by start.sh: SIGTERM (clean shutdown), SIGKILL after 30s. Idempotent.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$HERE/common.sh"

if ! pid="$(kafka_pid)"; then
    rm -f "$PID_FILE"
    echo "kafka: not running"
    exit 0
fi

kill -TERM "$pid" 2>/dev/null || true
for _ in $(seq 1 60); do
    alive "$pid" || break
    sleep 0.5
done
if alive "$pid"; then
    echo "kafka: pid $pid ignored SIGTERM for 30s; killing" >&2
    kill -KILL "$pid" 2>/dev/null || true
    while alive "$pid"; do sleep 0.2; done
fi
rm -f "$PID_FILE"
echo "kafka: stopped (pid $pid)"
