#!/usr/bin/env bash
# Starts the built standalone host (Release) for tests and waits until it says it is ready.
# Usage: start-test-host.sh DIR
# Needs env: SOFTHSM2_CONF, HSMVAULT_TEST_TOKEN_LABEL, HSMVAULT_TEST_PIN, HSMVAULT_TEST_TABLES.
# Writes DIR/host.pid, DIR/host.log and DIR/host.env (export lines for HSMVAULT_TEST_* that the tests read).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dir="$(mkdir -p "$1" && cd "$1" && pwd)"
: "${SOFTHSM2_CONF:?}" "${HSMVAULT_TEST_TOKEN_LABEL:?}" "${HSMVAULT_TEST_PIN:?}" "${HSMVAULT_TEST_TABLES:?}"
dll="$repo/functions/bin/Release/net10.0/HsmVault.Functions.dll"
[ -f "$dll" ] || { echo "start-test-host: ERROR: $dll missing; build first: dotnet build HsmVault.sln -c Release" >&2; exit 1; }
timeout_s="${HSMVAULT_TEST_HOST_TIMEOUT:-90}"

rand() { node -e 'process.stdout.write(require("crypto").randomBytes(18).toString("base64url"))'; }
port="$(bash "$here/free-port.sh")"
tenant=11111111-1111-4111-8111-111111111111
admin_id=vault-admin admin_secret="$(rand)" admin_oid=aaaaaaaa-0000-4000-8000-000000000001
noaccess_id=no-access noaccess_secret="$(rand)" noaccess_oid=bbbbbbbb-0000-4000-8000-000000000002

# cwd is an empty folder so the host cannot pick up a developer's ./local.settings.json.
mkdir -p "$dir/cwd" "$dir/data"
log="$dir/host.log"
(
  cd "$dir/cwd"
  export HsmVault__Hsm__LibraryPath=/usr/lib/softhsm/libsofthsm2.so
  export HsmVault__Hsm__TokenLabel="$HSMVAULT_TEST_TOKEN_LABEL"
  export HsmVault__Hsm__UserPin="$HSMVAULT_TEST_PIN"
  export HsmVault__Storage__ConnectionString="$HSMVAULT_TEST_TABLES"
  export HsmVault__Storage__TablePrefix=e2e
  export HsmVault__Vaults__DnsSuffix=localhost
  export HsmVault__Vaults__DefaultVault=default
  export HsmVault__Vaults__PublicPort="$port"
  export HsmVault__Standalone__Port="$port"
  export HsmVault__Standalone__DataDirectory="$dir/data"
  export HsmVault__Standalone__HostNames=localhost
  export HsmVault__Auth__TenantId="$tenant"
  export HsmVault__Auth__Audience=https://vault.azure.net
  export HsmVault__DevIdentity__Principals__0__ClientId="$admin_id"
  export HsmVault__DevIdentity__Principals__0__ClientSecret="$admin_secret"
  export HsmVault__DevIdentity__Principals__0__ObjectId="$admin_oid"
  export HsmVault__DevIdentity__Principals__1__ClientId="$noaccess_id"
  export HsmVault__DevIdentity__Principals__1__ClientSecret="$noaccess_secret"
  export HsmVault__DevIdentity__Principals__1__ObjectId="$noaccess_oid"
  export HsmVault__Seed__Vaults__0__Name=default
  export HsmVault__Seed__Vaults__0__AccessPolicies__0__ObjectId="$admin_oid"
  export HsmVault__Seed__Vaults__0__AccessPolicies__0__Keys=all
  export HsmVault__Seed__Vaults__0__AccessPolicies__0__Secrets=all
  export DOTNET_NOLOGO=1
  exec dotnet "$dll"
) >"$log" 2>&1 </dev/null &
pid=$!
disown "$pid"   # no "Aborted <whole command>" job report from bash if the host crashes
echo "$pid" > "$dir/host.pid"

ready=""
for _ in $(seq 1 $((timeout_s * 5))); do
  if grep -q "HsmVault vault ready at https://localhost:$port/" "$log"; then ready=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.2
done
if [ -z "$ready" ]; then
  if kill -0 "$pid" 2>/dev/null; then why="did not report ready within ${timeout_s} s"; else why="exited early"; fi
  echo "start-test-host: ERROR: standalone host $why; log tail ($log):" >&2
  tail -n 40 "$log" >&2 || true
  exit 1
fi
ca="$(sed -n 's/^.*HsmVault TLS certificate: *//p' "$log" | head -n 1 | tr -d '\r')"
[ -n "$ca" ] && [ -f "$ca" ] || { echo "start-test-host: ERROR: host did not print an existing 'HsmVault TLS certificate: <path>' (got '$ca')" >&2; exit 1; }

cat > "$dir/host.env" <<ENV
export HSMVAULT_TEST_URL='https://localhost:$port'
export HSMVAULT_TEST_CA='$ca'
export HSMVAULT_TEST_TENANT='$tenant'
export HSMVAULT_TEST_ADMIN_ID='$admin_id'
export HSMVAULT_TEST_ADMIN_SECRET='$admin_secret'
export HSMVAULT_TEST_ADMIN_OID='$admin_oid'
export HSMVAULT_TEST_NOACCESS_ID='$noaccess_id'
export HSMVAULT_TEST_NOACCESS_SECRET='$noaccess_secret'
export HSMVAULT_TEST_NOACCESS_OID='$noaccess_oid'
ENV
echo "start-test-host: ready at https://localhost:$port (pid $pid, log $log)" >&2
