#!/usr/bin/env bash
# Runs the adapter tests against a throwaway SoftHSM2 token directory.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="$(mktemp -d /tmp/hsmtest.XXXXXX)"
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/tokens"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$dir" > "$dir/softhsm2.conf"
SOFTHSM2_CONF="$dir/softhsm2.conf" dotnet test "$here" "$@"
