# shellcheck shell=bash disable=SC2034  # the variables are used by the scripts sourcing this
# Shared settings and helpers for start.sh / stop.sh / status.sh (sourced, not run).
# Callers set HERE to this directory before sourcing.

PG_PORT="${PG_PORT:-55432}"
PG_HOST=127.0.0.1
PG_APP_USER=getihu
BASE_URL="postgresql+psycopg://$PG_APP_USER:$PG_APP_USER@$PG_HOST:$PG_PORT/"

# Newest server binaries: Debian's versioned dirs first, then whatever is on PATH.
find_pg_bin() {
    local d best=""
    for d in /usr/lib/postgresql/*/bin; do
        [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] || continue
        best="$(printf '%s\n%s\n' "$best" "$d" | sed '/^$/d' | sort -V | tail -n1)"
    done
    if [[ -z "$best" ]] && command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        best="$(dirname "$(command -v pg_ctl)")"
    fi
    [[ -n "$best" ]] && echo "$best"
}

# The server refuses to run as root, so as root everything server-side runs as 'postgres'.
if [[ "$(id -u)" -eq 0 ]]; then
    PG_OS_USER=postgres
    as_pg() { (cd / && runuser -u postgres -- "$@"); }  # cd /: cwd may be unreadable to postgres
else
    PG_OS_USER="$(id -un)"
    as_pg() { "$@"; }
fi

# Data lives in ./.data unless PG_DATA_DIR says otherwise. When the server's OS user cannot
# reach this checkout (e.g. it sits under a private home dir), fall back to a per-checkout dir
# under /var/tmp, derived from this directory so stop/status find the same one.
# Called after the binaries (and so the 'postgres' user) are known to exist.
setup_paths() {
    if [[ -n "${PG_DATA_DIR:-}" ]]; then
        DATA_DIR="$PG_DATA_DIR"
    elif as_pg test -x "$HERE" 2>/dev/null; then
        DATA_DIR="$HERE/.data"
    else
        DATA_DIR="/var/tmp/postgres-$(printf '%s' "$HERE" | sha1sum | cut -c1-12)"
    fi
    PGDATA_DIR="$DATA_DIR/pgdata"
    PG_LOG="$DATA_DIR/postgres.log"
}

# Admin connection: superuser 'postgres' over loopback TCP (trusted in pg_hba.conf below).
pg_admin() {
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres "$@"
}

# True if pid $1 exists and is not a zombie (a killed server can linger as a zombie until
# init reaps it, and kill -0 / pg_ctl status still see it then).
alive() {
    local st
    st="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
    [[ -n "$st" && "$st" != Z ]]
}

# Postmaster pid from the lock file, if that process is really alive.
pg_pid() {
    local pid
    pid="$(head -n1 "$PGDATA_DIR/postmaster.pid" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" && echo "$pid"
}

pg_running() {
    pg_pid >/dev/null
}

pg_answers() {
    "$PG_BIN/pg_isready" -q -h "$PG_HOST" -p "$PG_PORT" -t 2
}
