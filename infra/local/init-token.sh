#!/usr/bin/env bash
# Creates a SoftHSM2 config (file backend) under DIR and a token LABEL with user PIN PIN,
# unless a token with that label already exists. Prints the SOFTHSM2_CONF path on stdout.
# The SO PIN is the user PIN: it is a local/test token only.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 DIR LABEL PIN" >&2; exit 2; }
dir="$1" label="$2" pin="$3"

mkdir -p "$dir/tokens"
dir="$(cd "$dir" && pwd)"
conf="$dir/softhsm2.conf"
cat > "$conf" <<CONF
directories.tokendir = $dir/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
CONF
export SOFTHSM2_CONF="$conf"

if softhsm2-util --show-slots 2>/dev/null | grep -Eq "^[[:space:]]*Label:[[:space:]]+$label[[:space:]]*$"; then
  echo "init-token: token '$label' already exists in $dir/tokens" >&2
else
  softhsm2-util --init-token --free --label "$label" --so-pin "$pin" --pin "$pin" >&2 \
    || { echo "init-token: ERROR: softhsm2-util --init-token failed (SOFTHSM2_CONF=$conf)" >&2; exit 1; }
fi
echo "$conf"
