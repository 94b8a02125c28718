#!/usr/bin/env bash
# Starts the built standalone host (Release) for tests and waits until it says it is ready.
# Usage: start-test-host.sh DIR [PRIMARY_DIR]
# Needs env: SOFTHSM2_CONF, HSMVAULT_TEST_TOKEN_LABEL, HSMVAULT_TEST_PIN, HSMVAULT_TEST_TABLES.
# Optional: HSMVAULT_TEST_PKCS11_MODULE (default SoftHSM2's; the benchmark puts OpenSC's pkcs11-spy in front of it to count calls).
# Writes DIR/host.pid, DIR/host.log, DIR/host.env (export lines for HSMVAULT_TEST_* that the tests read) and DIR/host.settings.
# With PRIMARY_DIR (a host this script started), starts a second instance on the same storage and HSM token that
# trusts the primary's development identity provider and shares its TLS certificate; its host.env exports HSMVAULT_TEST_B_*.
set -euo pipefail
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 DIR [PRIMARY_DIR]" >&2; exit 2; }
primary="${2:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dir="$(mkdir -p "$1" && cd "$1" && pwd)"
: "${SOFTHSM2_CONF:?}" "${HSMVAULT_TEST_TOKEN_LABEL:?}" "${HSMVAULT_TEST_PIN:?}" "${HSMVAULT_TEST_TABLES:?}"
dll="$repo/functions/bin/Release/net10.0/HsmVault.Functions.dll"
[ -f "$dll" ] || { echo "start-test-host: ERROR: $dll missing; build first: dotnet build HsmVault.sln -c Release" >&2; exit 1; }
timeout_s="${HSMVAULT_TEST_HOST_TIMEOUT:-90}"

# 18 random bytes, base64url (24 characters). Without a node start per secret: under load those cost seconds per restart.
rand() { head -c 18 /dev/urandom | base64 | tr '+/' '-_'; }
port="${HSMVAULT_TEST_PORT:-$(bash "$here/free-port.sh")}"  # set by callers that picked a free port already (or must know it)
tenant=11111111-1111-4111-8111-111111111111
admin_id=vault-admin admin_secret="$(rand)" admin_oid=aaaaaaaa-0000-4000-8000-000000000001
noaccess_id=no-access noaccess_secret="$(rand)" noaccess_oid=bbbbbbbb-0000-4000-8000-000000000002
# Identity-and-access tests: an operator (app role), an app to grant to, a group member, and a second tenant.
tenant2=22222222-2222-4222-8222-222222222222
operator_id=operator operator_secret="$(rand)" operator_oid=cccccccc-0000-4000-8000-000000000003
app_id=app-signer app_secret="$(rand)" app_oid=dddddddd-0000-4000-8000-000000000004
member_id=group-member member_secret="$(rand)" member_oid=eeeeeeee-0000-4000-8000-000000000005 group_oid=99999999-0000-4000-8000-000000000009
auditor_id=auditor auditor_secret="$(rand)" auditor_oid=abababab-0000-4000-8000-000000000007
t2app_id=tenant2-app t2app_secret="$(rand)" t2app_oid=ffffffff-0000-4000-8000-000000000006
if [ -n "$primary" ]; then
  primary="$(cd "$primary" && pwd)"
  # shellcheck disable=SC1091
  source "$primary/host.env"
fi

# cwd is an empty folder so the host cannot pick up a developer's ./local.settings.json.
data="$dir/data"
[ -n "$primary" ] && data="$primary/data"
mkdir -p "$dir/cwd"
mkdir -p -m 700 "$data"
log="$dir/host.log"
(
  cd "$dir/cwd"
  export HsmVault__Hsm__LibraryPath="${HSMVAULT_TEST_PKCS11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}"
  export HsmVault__Hsm__TokenLabel="$HSMVAULT_TEST_TOKEN_LABEL"
  export HsmVault__Hsm__UserPin="$HSMVAULT_TEST_PIN"
  export HsmVault__Storage__ConnectionString="$HSMVAULT_TEST_TABLES"
  export HsmVault__Storage__TablePrefix=e2e
  export HsmVault__Vaults__DnsSuffix=localhost
  export HsmVault__Vaults__DefaultVault=default
  export HsmVault__Vaults__PublicPort="$port"
  export HsmVault__Standalone__Port="$port"
  export HsmVault__Standalone__DataDirectory="$data"
  export HsmVault__Standalone__HostNames=localhost
  export HsmVault__Auth__TenantId="$tenant"
  # The primary serves the default audience only; the second instance is the operator who also accepts Azure Key Vault's
  # (the audience red-team test: the same token is refused by the one and accepted by the other).
  if [ -n "$primary" ]; then
    export HsmVault__Auth__Audiences__0=https://localhost HsmVault__Auth__Audiences__1=https://vault.azure.net
  fi
  export HsmVault__DevIdentity__Principals__0__ClientId="$admin_id"
  export HsmVault__DevIdentity__Principals__0__ClientSecret="$admin_secret"
  export HsmVault__DevIdentity__Principals__0__ObjectId="$admin_oid"
  export HsmVault__DevIdentity__Principals__1__ClientId="$noaccess_id"
  export HsmVault__DevIdentity__Principals__1__ClientSecret="$noaccess_secret"
  export HsmVault__DevIdentity__Principals__1__ObjectId="$noaccess_oid"
  export HsmVault__DevIdentity__Principals__2__ClientId="$operator_id"
  export HsmVault__DevIdentity__Principals__2__ClientSecret="$operator_secret"
  export HsmVault__DevIdentity__Principals__2__ObjectId="$operator_oid"
  export HsmVault__DevIdentity__Principals__2__Roles__0=HsmVault.Operator
  export HsmVault__DevIdentity__Principals__3__ClientId="$app_id"
  export HsmVault__DevIdentity__Principals__3__ClientSecret="$app_secret"
  export HsmVault__DevIdentity__Principals__3__ObjectId="$app_oid"
  export HsmVault__DevIdentity__Principals__4__ClientId="$member_id"
  export HsmVault__DevIdentity__Principals__4__ClientSecret="$member_secret"
  export HsmVault__DevIdentity__Principals__4__ObjectId="$member_oid"
  export HsmVault__DevIdentity__Principals__4__Groups__0="$group_oid"
  export HsmVault__DevIdentity__Principals__5__ClientId="$t2app_id"
  export HsmVault__DevIdentity__Principals__5__ClientSecret="$t2app_secret"
  export HsmVault__DevIdentity__Principals__5__ObjectId="$t2app_oid"
  export HsmVault__DevIdentity__Principals__5__TenantId="$tenant2"
  export HsmVault__DevIdentity__Principals__5__Roles__0=HsmVault.Operator
  export HsmVault__Auth__OperatorRole=HsmVault.Operator
  export HsmVault__DevIdentity__Principals__6__ClientId="$auditor_id"
  export HsmVault__DevIdentity__Principals__6__ClientSecret="$auditor_secret"
  export HsmVault__DevIdentity__Principals__6__ObjectId="$auditor_oid"
  export HsmVault__DevIdentity__Principals__6__Roles__0=HsmVault.Auditor
  # Aggregates of failures before authentication are closed every 2 s, so tests see them without waiting a minute.
  export HsmVault__Audit__UnauthenticatedWindow=00:00:02
  # Low limits for two vaults the throttling test creates; every other vault keeps the generous defaults.
  export HsmVault__Throttling__Vaults__throttledcaller__CallerRequestsPerSecond=5
  export HsmVault__Throttling__Vaults__throttledvault__VaultRequestsPerSecond=5
  # Small key quotas for two vaults the quota test creates (tests/e2e-node/test/quotas.test.mjs).
  export HsmVault__Quotas__Vaults__quotavault__MaxKeysPerVault=3
  export HsmVault__Quotas__Vaults__quotavault__MaxVersionsPerKey=2
  export HsmVault__Quotas__Vaults__quotarate__KeyCreatesPerSecond=1
  if [ -n "$primary" ]; then export HsmVault__Auth__Authority="$HSMVAULT_TEST_URL"; fi
  # The scheduled purge runs every 3 s here (every 5 minutes by default), so a test can watch both instances' timers.
  export HsmVault__Timers__Schedules__ScheduledPurge='*/3 * * * * *'
  # The shared test token also holds keys of in-process tests under other table prefixes: a day's grace keeps the
  # reconciliation sweep from ever counting them orphaned. Fault tests with a token of their own set a short one.
  export HsmVault__Reconciliation__GracePeriod="${HsmVault__Reconciliation__GracePeriod:-1.00:00:00}"
  export HsmVault__Seed__Vaults__0__Name=default
  export HsmVault__Seed__Vaults__0__AccessPolicies__0__ObjectId="$admin_oid"
  export HsmVault__Seed__Vaults__0__AccessPolicies__0__Keys=all
  export HsmVault__Seed__Vaults__0__AccessPolicies__0__Secrets=all
  # A customer's own HSM vaults may be bound to (tests/run.sh makes it): its module is allowed, its PIN is a setting.
  if [ -n "${HSMVAULT_TEST_CUSTOMER_MODULE:-}" ]; then
    export HsmVault__CustomerHsm__AllowedModules__0="$HSMVAULT_TEST_CUSTOMER_MODULE"
    export "HsmVault__HsmPins__${HSMVAULT_TEST_CUSTOMER_PINREF}=$HSMVAULT_TEST_CUSTOMER_PIN"
  fi
  export DOTNET_NOLOGO=1
  # The .NET tests start the same app in process with these settings (tests/Functions.Tests/InProcess); it holds the PIN.
  if [ -z "$primary" ]; then (umask 077; env | grep '^HsmVault__' > "$dir/host.settings"); fi
  exec dotnet "$dll"
) >"$log" 2>&1 </dev/null &
pid=$!
disown "$pid"   # no "Aborted <whole command>" job report from bash if the host crashes
echo "$pid" > "$dir/host.pid"

ready=""
for _ in $(seq 1 $((timeout_s * 20))); do
  if grep -q "HsmVault vault ready at https://localhost:$port/" "$log"; then ready=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
if [ -z "$ready" ]; then
  if kill -0 "$pid" 2>/dev/null; then why="did not report ready within ${timeout_s} s"; else why="exited early"; fi
  echo "start-test-host: ERROR: standalone host $why; log tail ($log):" >&2
  tail -n 40 "$log" >&2 || true
  exit 1
fi
ca="$(sed -n 's/^.*HsmVault TLS certificate: *//p' "$log" | head -n 1 | tr -d '\r')"
[ -n "$ca" ] && [ -f "$ca" ] || { echo "start-test-host: ERROR: host did not print an existing 'HsmVault TLS certificate: <path>' (got '$ca')" >&2; exit 1; }

umask 077 # host.env holds the test principals' client secrets
if [ -n "$primary" ]; then
  cat > "$dir/host.env" <<ENV
export HSMVAULT_TEST_B_URL='https://localhost:$port'
ENV
  echo "start-test-host: second instance ready at https://localhost:$port (pid $pid, log $log)" >&2
  exit 0
fi
cat > "$dir/host.env" <<ENV
export HSMVAULT_TEST_URL='https://localhost:$port'
export HSMVAULT_TEST_AUDIENCE='https://localhost'
export HSMVAULT_TEST_HOST_DIR='$dir'
export HSMVAULT_TEST_HOST_SETTINGS='$dir/host.settings'
export HSMVAULT_TEST_CA='$ca'
export HSMVAULT_TEST_TENANT='$tenant'
export HSMVAULT_TEST_ADMIN_ID='$admin_id'
export HSMVAULT_TEST_ADMIN_SECRET='$admin_secret'
export HSMVAULT_TEST_ADMIN_OID='$admin_oid'
export HSMVAULT_TEST_NOACCESS_ID='$noaccess_id'
export HSMVAULT_TEST_NOACCESS_SECRET='$noaccess_secret'
export HSMVAULT_TEST_NOACCESS_OID='$noaccess_oid'
export HSMVAULT_TEST_TENANT2='$tenant2'
export HSMVAULT_TEST_OPERATOR_ID='$operator_id' HSMVAULT_TEST_OPERATOR_SECRET='$operator_secret' HSMVAULT_TEST_OPERATOR_OID='$operator_oid'
export HSMVAULT_TEST_APP_ID='$app_id' HSMVAULT_TEST_APP_SECRET='$app_secret' HSMVAULT_TEST_APP_OID='$app_oid'
export HSMVAULT_TEST_MEMBER_ID='$member_id' HSMVAULT_TEST_MEMBER_SECRET='$member_secret' HSMVAULT_TEST_MEMBER_OID='$member_oid' HSMVAULT_TEST_GROUP_OID='$group_oid'
export HSMVAULT_TEST_AUDITOR_ID='$auditor_id' HSMVAULT_TEST_AUDITOR_SECRET='$auditor_secret' HSMVAULT_TEST_AUDITOR_OID='$auditor_oid'
export HSMVAULT_TEST_T2APP_ID='$t2app_id' HSMVAULT_TEST_T2APP_SECRET='$t2app_secret' HSMVAULT_TEST_T2APP_OID='$t2app_oid'
export HSMVAULT_TEST_SIGNING_KEY='$data/dev-identity-signing-key.pem'
ENV
echo "start-test-host: ready at https://localhost:$port (pid $pid, log $log)" >&2
