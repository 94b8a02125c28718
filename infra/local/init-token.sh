#!/usr/bin/env bash
# Creates a SoftHSM2 config (file backend) under DIR and a token LABEL with user PIN PIN,
# unless a token with that label already exists, then does the backup key ceremony on it (the security officer makes
# the trusted backup wrapping key, the user the backup sealing key; kept if they exist). Prints the SOFTHSM2_CONF path.
# The SO PIN is the user PIN: it is a local/test token only. Needs the built Function App (dotnet build -c Release).
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
dll="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/functions/bin/Release/net10.0/HsmVault.Functions.dll"
[ -f "$dll" ] || { echo "init-token: ERROR: $dll missing; build first: dotnet build functions -c Release" >&2; exit 1; }
# The SO PIN goes on stdin, never on a command line.
printf '%s\n' "$pin" | HsmVault__Hsm__LibraryPath=/usr/lib/softhsm/libsofthsm2.so HsmVault__Hsm__TokenLabel="$label" \
  HsmVault__Hsm__UserPin="$pin" dotnet "$dll" init-backup-key >&2 \
  || { echo "init-token: ERROR: backup key ceremony failed (SOFTHSM2_CONF=$conf)" >&2; exit 1; }
echo "$conf"
