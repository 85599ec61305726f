#!/usr/bin/env bash
# Make the one virtual environment that holds every package of the platform, if missing or stale:
# both locks (requirements/runtime.lock, what the image installs, and requirements/dev.lock, tests
# and tools), every file checked against its hash.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
VENV="$ROOT/.venv"
STAMP="$VENV/.getihu-installed"
want="$(cat requirements/runtime.lock requirements/dev.lock kit/pyproject.toml cli/pyproject.toml gateway/pyproject.toml ./*-svc/pyproject.toml | sha256sum | cut -c1-16)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  exit 0
fi
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
echo "bootstrap: installing pinned Python packages into .venv"
"$VENV/bin/pip" install -q --disable-pip-version-check --require-hashes \
  -r requirements/runtime.lock -r requirements/dev.lock
# setuptools and wheel are pinned in the lock, so editable installs build offline and fast.
"$VENV/bin/pip" install -q --disable-pip-version-check --no-deps --no-build-isolation \
  -e kit -e cli -e gateway -e registry-svc -e data-sharing-svc -e typing-svc -e cultivation-svc -e appeal-svc -e notify-svc -e monitoring-svc \
  >/dev/null
echo "$want" > "$STAMP"
