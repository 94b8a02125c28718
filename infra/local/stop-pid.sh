#!/usr/bin/env bash
# Stops the process whose id is in PIDFILE: SIGTERM, up to 10 s grace, then SIGKILL.
set -uo pipefail
[ $# -eq 1 ] || { echo "usage: $0 PIDFILE" >&2; exit 2; }
[ -f "$1" ] || exit 0
pid="$(cat "$1")"
if kill "$pid" 2>/dev/null; then
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
fi
rm -f "$1"
