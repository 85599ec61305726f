# shellcheck shell=bash disable=SC2034  # the variables are used by the scripts sourcing this
# Shared settings and helpers for start.sh / stop.sh / status.sh / reset.sh (sourced, not run).
# Callers set HERE to this directory before sourcing.

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_DATA_DIR="${KAFKA_DATA_DIR:-$HERE/.data}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"

LIB="$HERE/.lib"
CP="$LIB/*"
LOG_DIR="$KAFKA_DATA_DIR/kraft-logs"   # Kafka's log.dirs (holds meta.properties)
PROPS="$KAFKA_DATA_DIR/server.properties"
PID_FILE="$KAFKA_DATA_DIR/kafka.pid"
LOG_FILE="$KAFKA_DATA_DIR/kafka.log"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

# True if pid $1 exists and is not a zombie (a dead broker can linger as a zombie until init
# reaps it, and kill -0 still succeeds then).
alive() {
    local st
    st="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
    [[ -n "$st" && "$st" != Z ]]
}

# Pid of our broker if it is alive. Checks the command line too, so a stale pid file whose
# number was reused by another process is not mistaken for the broker.
kafka_pid() {
    local pid
    [[ -f "$PID_FILE" ]] || return 1
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    alive "$pid" || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "kafka\.Kafka $PROPS" || return 1
    echo "$pid"
}

# True if something accepts TCP connections on 127.0.0.1:$1 (bash /dev/tcp, no nc needed).
port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Real protocol round trip: list topics through the Admin API. Quiet, bounded in time.
kafka_answers() {
    timeout 20 java -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$CP" \
        -Dlog4j2.configurationFile="$HERE/log4j2.properties" -Dlog4j2.level=WARN \
        org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --list \
        >/dev/null 2>&1
}
