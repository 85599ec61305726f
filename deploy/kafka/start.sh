#!/usr/bin/env bash
# Start a single-node KRaft Kafka broker in the background and wait until it answers.
# Env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_DATA_DIR (./.data),
#      KAFKA_HEAP_OPTS (-Xms256m -Xmx768m), KAFKA_START_TIMEOUT seconds (90).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$HERE/common.sh"
TIMEOUT="${KAFKA_START_TIMEOUT:-90}"

mkdir -p "$KAFKA_DATA_DIR"
# Serialise concurrent start.sh runs on the same data dir (fd 9 is closed for the broker below).
exec 9>"$KAFKA_DATA_DIR/.start.lock"
flock 9

if pid="$(kafka_pid)"; then
    if port_open "$KAFKA_PORT" && kafka_answers; then
        echo "kafka: already running (pid $pid) on $BOOTSTRAP"
        exit 0
    fi
    # Alive but not answering: maybe still starting up; fall through to the wait below.
    echo "kafka: process $pid exists but does not answer yet; waiting" >&2
else
    rm -f "$PID_FILE"
    for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
        if port_open "$p"; then
            echo "kafka: port $p is already in use by another process; set KAFKA_PORT / KAFKA_CONTROLLER_PORT" >&2
            exit 1
        fi
    done

    "$HERE/fetch.sh"

    # Render the config for this data dir and these ports.
    sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" \
        -e "s|@KAFKA_CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
        -e "s|@KAFKA_LOG_DIR@|$LOG_DIR|g" \
        "$HERE/server.properties" >"$PROPS.tmp"
    mv "$PROPS.tmp" "$PROPS"

    # Format the storage only once: meta.properties marks a formatted log dir (data is kept).
    if [[ ! -f "$LOG_DIR/meta.properties" ]]; then
        cluster_id="$(java -cp "$CP" -Dlog4j2.configurationFile="$HERE/log4j2.properties" \
            kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)"
        if ! out="$(java -cp "$CP" -Dlog4j2.configurationFile="$HERE/log4j2.properties" \
                kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$PROPS" 2>&1)"; then
            echo "kafka: storage format failed:" >&2
            echo "$out" >&2
            exit 1
        fi
        echo "kafka: formatted $LOG_DIR (cluster id $cluster_id)"
    fi

    # Keep one previous log for post-mortems instead of growing one file forever.
    [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"
    # shellcheck disable=SC2086  # heap opts are deliberately word-split
    nohup java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
        -Djava.awt.headless=true \
        -Dlog4j2.configurationFile="$HERE/log4j2.properties" \
        -cp "$CP" kafka.Kafka "$PROPS" >"$LOG_FILE" 2>&1 9>&- </dev/null &
    echo $! >"$PID_FILE"
    echo "kafka: started pid $(cat "$PID_FILE"), log $LOG_FILE"
fi

# Wait: port open and "Kafka Server started" logged, then one real Admin API round trip.
pid="$(cat "$PID_FILE")"
deadline=$((SECONDS + TIMEOUT))
while :; do
    if ! alive "$pid"; then
        echo "kafka: broker exited during startup; last log lines:" >&2
        tail -n 40 "$LOG_FILE" >&2 || true
        rm -f "$PID_FILE"
        exit 1
    fi
    if port_open "$KAFKA_PORT" && grep -q "Kafka Server started" "$LOG_FILE" 2>/dev/null \
            && kafka_answers; then
        break
    fi
    if ((SECONDS >= deadline)); then
        echo "kafka: not answering on $BOOTSTRAP after ${TIMEOUT}s; last log lines:" >&2
        tail -n 40 "$LOG_FILE" >&2 || true
        exit 1
    fi
    sleep 0.5
done
echo "kafka: ready on $BOOTSTRAP"
