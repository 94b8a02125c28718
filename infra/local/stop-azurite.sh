#!/usr/bin/env bash
# Stops the Azurite started by start-azurite.sh DIR.
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
exec bash "$(dirname "${BASH_SOURCE[0]}")/stop-pid.sh" "$1/azurite.pid"
