#!/usr/bin/env bash
# `make lock`: regenerate both locks, with hashes, from their inputs —
#   requirements/runtime.in -> requirements/runtime.lock   (what the image installs)
#   requirements/dev.in     -> requirements/dev.lock       (runtime + tests and tools, same versions)
# Versions already in a lock are kept where the inputs allow (add a package: only it and what it
# needs are resolved); `make lock UPGRADE=1` moves everything to the newest allowed versions.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/requirements"
UV="$ROOT/.venv/bin/uv"
[ -x "$UV" ] || { echo "lock: uv is missing from .venv; run make bootstrap first" >&2; exit 1; }
# The image's interpreter (deploy/docker/Dockerfile: python:3.11-slim) decides the resolution.
opts=(--quiet --generate-hashes --python-version 3.11 --python-platform x86_64-manylinux_2_28
      --custom-compile-command "make lock")
[ "${UPGRADE:-0}" = "1" ] && opts+=(--upgrade)
"$UV" pip compile "${opts[@]}" runtime.in -o runtime.lock
"$UV" pip compile "${opts[@]}" dev.in -o dev.lock
echo "lock: requirements/runtime.lock ($(grep -c '==' runtime.lock) packages), requirements/dev.lock ($(grep -c '==' dev.lock) packages)"
