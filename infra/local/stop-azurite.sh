#!/usr/bin/env bash
# Stops the Azurite started by start-azurite.sh DIR (reads DIR/azurite.pid).
set -uo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
pidfile="$1/azurite.pid"
[ -f "$pidfile" ] || exit 0
pid="$(cat "$pidfile")"
if kill "$pid" 2>/dev/null; then
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
fi
rm -f "$pidfile"
