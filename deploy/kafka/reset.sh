#!/usr/bin/env bash
# Stop the broker and wipe its data dir (topics, offsets, cluster id). Jars in .lib/ are kept.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$HERE/common.sh"

"$HERE/stop.sh"
rm -rf "$KAFKA_DATA_DIR"
echo "kafka: wiped $KAFKA_DATA_DIR"
