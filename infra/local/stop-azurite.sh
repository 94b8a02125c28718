#!/usr/bin/env bash
# Stops the Azurite (Table and Blob services) started by start-azurite.sh DIR.
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
here="$(dirname "${BASH_SOURCE[0]}")"
bash "$here/stop-pid.sh" "$1/azurite-blob.pid"
exec bash "$here/stop-pid.sh" "$1/azurite.pid"
