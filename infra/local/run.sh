#!/usr/bin/env bash
# Runs HsmVault locally: SoftHSM2 token + Azurite (tables on port 10002, audit blobs on 10000, persisted) + the standalone HTTPS host.
# Data lives under .local/ at the repo root. Ctrl+C stops the host and the Azurite this script started.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

bash "$here/ensure-deps.sh"

if [ ! -f local.settings.json ]; then
  cp local.settings.sample.json local.settings.json
  echo "run: created local.settings.json from local.settings.sample.json" >&2
fi
setting() { # setting NAME: a Values entry of local.settings.json
  node -e 'const v=JSON.parse(require("fs").readFileSync("local.settings.json","utf8")).Values||{};process.stdout.write(String(v[process.argv[1]]??""))' "$1"
}
label="$(setting HsmVault__Hsm__TokenLabel)"; label="${label:-hsmvault-dev}"
pin="$(setting HsmVault__Hsm__UserPin)"
[ -n "$pin" ] || { echo "run: ERROR: HsmVault__Hsm__UserPin is empty in local.settings.json" >&2; exit 1; }

# Not `dotnet run`: for a Functions project it launches Azure Functions Core Tools, which cannot be installed here.
# Built first: init-token.sh runs the backup key ceremony with it.
echo "run: building the Function App (Release)" >&2
dotnet build functions -c Release -nologo -v quiet -clp:ErrorsOnly
mkdir -p .local
SOFTHSM2_CONF="$(bash "$here/init-token.sh" "$repo/.local/softhsm" "$label" "$pin")"
export SOFTHSM2_CONF

started_azurite=""
host_pid=""
cleanup() {
  [ -z "$host_pid" ] || kill "$host_pid" 2>/dev/null || true
  [ -z "$started_azurite" ] || bash "$here/stop-azurite.sh" "$repo/.local/azurite"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if (exec 3<>/dev/tcp/127.0.0.1/10002) 2>/dev/null; then
  echo "run: something already listens on 127.0.0.1:10002; using it as Azurite (its blob service must be on 10000)" >&2
else
  bash "$here/start-azurite.sh" "$repo/.local/azurite" 10002
  started_azurite=1
fi

echo "run: SOFTHSM2_CONF=$SOFTHSM2_CONF; starting the standalone host" >&2
# In the background and waited for, so that a TERM to this script also stops the host (and Azurite).
dotnet functions/bin/Release/net10.0/HsmVault.Functions.dll &
host_pid=$!
wait "$host_pid"
