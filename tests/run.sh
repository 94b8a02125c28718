#!/usr/bin/env bash
# Runs every test: .NET test projects, the Node SDK compatibility tests and the PowerShell module's Pester tests, against a throwaway
# SoftHSM2 token, an in-memory Azurite and the standalone host over HTTPS, all on loopback.
# Prints failing tests and, last, one line "N passed, N failed[, N skipped]". Exit 0 only if all passed.
# For a quicker loop while developing, narrow the run (CI sets none of these):
#   HSMVAULT_TEST_SECTIONS="format adapter functions node pwsh reliability hygiene"   the sections to run (default: all)
#   HSMVAULT_TEST_FILTER='FullyQualifiedName~Audit'         dotnet test --filter for both .NET projects
#   HSMVAULT_TEST_NODE='test/portal.test.mjs'               node test files (relative to tests/e2e-node)
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
infra="$repo/infra/local"
cd "$repo"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

section() { printf '\n==== %s ====\n' "$*"; }

bash "$infra/ensure-deps.sh" --tests || { echo "0 passed, 1 failed"; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/hsmvault-tests.XXXXXX")"
cleanup() {
  bash "$infra/stop-pid.sh" "$work/host2/host.pid"
  bash "$infra/stop-pid.sh" "$work/host/host.pid"
  bash "$infra/stop-azurite.sh" "$work/azurite"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

problems=()   # failures outside any test; each counts as one failed test in the totals
results=()    # trx, tap and junit files to add up
mkdir -p "$work/results"  # node and pwsh write here too when no dotnet section ran first

section "Azurite"
azurite_port="$(bash "$infra/free-port.sh")"
AZURITE_BLOB_PORT="$(bash "$infra/free-port.sh")"
export AZURITE_BLOB_PORT
bash "$infra/start-azurite.sh" "$work/azurite" "$azurite_port" --in-memory || { echo "0 passed, 1 failed"; exit 1; }
export HSMVAULT_TEST_TABLES="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:$azurite_port/devstoreaccount1;BlobEndpoint=http://127.0.0.1:$AZURITE_BLOB_PORT/devstoreaccount1;"

section "dotnet build HsmVault.sln -c Release"
if ! dotnet build HsmVault.sln -c Release -nologo -clp:ErrorsOnly > "$work/build.log" 2>&1; then
  cat "$work/build.log"
  echo "Build failed."
  echo "0 passed, 1 failed"
  exit 1
fi
echo "build ok"

section "SoftHSM2 token (with the backup key ceremony)"
export HSMVAULT_TEST_TOKEN_LABEL=hsmvault-test
HSMVAULT_TEST_PIN="$(node -e 'process.stdout.write(require("crypto").randomBytes(12).toString("hex"))')"
export HSMVAULT_TEST_PIN
SOFTHSM2_CONF="$(bash "$infra/init-token.sh" "$work/softhsm" "$HSMVAULT_TEST_TOKEN_LABEL" "$HSMVAULT_TEST_PIN")" \
  || { echo "0 passed, 1 failed"; exit 1; }
export SOFTHSM2_CONF
# A customer's own HSM for vaults bound to it (customer-hsm.test.mjs): a second token in the same token directory (SoftHSM
# reads one SOFTHSM2_CONF per process), reached through a copy of the module under another path, so that the host really
# loads two PKCS#11 modules and can finalise the customer's without touching the deployment's.
export HSMVAULT_TEST_CUSTOMER_LABEL=hsmvault-customer HSMVAULT_TEST_CUSTOMER_PINREF=customer_a
HSMVAULT_TEST_CUSTOMER_PIN="$(node -e 'process.stdout.write(require("crypto").randomBytes(12).toString("hex"))')"
export HSMVAULT_TEST_CUSTOMER_PIN
bash "$infra/init-token.sh" "$work/softhsm" "$HSMVAULT_TEST_CUSTOMER_LABEL" "$HSMVAULT_TEST_CUSTOMER_PIN" >/dev/null \
  || { echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$work/modules" && cp /usr/lib/softhsm/libsofthsm2.so "$work/modules/libsofthsm2-customer.so" \
  || { echo "cannot copy the SoftHSM2 module"; echo "0 passed, 1 failed"; exit 1; }
export HSMVAULT_TEST_CUSTOMER_MODULE="$work/modules/libsofthsm2-customer.so"

section "standalone host"
if bash "$infra/start-test-host.sh" "$work/host"; then
  # shellcheck disable=SC1091
  source "$work/host/host.env"
else
  problems+=("standalone host did not start (log tail above)")
  export HSMVAULT_TEST_HOST_ERROR="the standalone host did not start (see its log tail above)"
fi
# A second instance on the same Azurite and HSM token, for cross-instance revocation tests.
if [ -f "$work/host/host.env" ] && bash "$infra/start-test-host.sh" "$work/host2" "$work/host"; then
  # shellcheck disable=SC1091
  source "$work/host2/host.env"
else
  problems+=("second standalone host did not start")
fi

sections=" ${HSMVAULT_TEST_SECTIONS:-format adapter functions node pwsh reliability hygiene} "
selected() { [[ "$sections" == *" $1 "* ]]; }

if selected format; then
  section "dotnet format --verify-no-changes (the conventions in .editorconfig)"
  if dotnet format HsmVault.sln --verify-no-changes -v q > "$work/format.log" 2>&1; then echo "format ok"
  else cat "$work/format.log"; problems+=("dotnet format --verify-no-changes: code differs from .editorconfig (run: dotnet format HsmVault.sln)"); fi
fi
# The hygiene tests run last, over everything the other suites left behind.
filter=(--filter "Category!=Hygiene${HSMVAULT_TEST_FILTER:+&($HSMVAULT_TEST_FILTER)}")

if [ -f "$work/host/host.env" ]; then
  section "log hygiene canaries"
  # A canary secret value and a canary bearer token, used at once; the hygiene section searches every log, row and blob for them.
  HSMVAULT_CANARY_SECRET="canary-$(node -e 'process.stdout.write(require("crypto").randomBytes(16).toString("hex"))')"
  HSMVAULT_CANARY_TOKEN="$(curl -sf --cacert "$HSMVAULT_TEST_CA" "$HSMVAULT_TEST_URL/$HSMVAULT_TEST_TENANT/oauth2/v2.0/token" \
    -d grant_type=client_credentials -d client_id="$HSMVAULT_TEST_ADMIN_ID" --data-urlencode client_secret="$HSMVAULT_TEST_ADMIN_SECRET" \
    -d scope=https://localhost/.default | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')"
  export HSMVAULT_CANARY_SECRET HSMVAULT_CANARY_TOKEN
  canary() { curl -s -o /dev/null -w '%{http_code} ' --cacert "$HSMVAULT_TEST_CA" -H "Authorization: Bearer $HSMVAULT_CANARY_TOKEN" \
    -H 'Content-Type: application/json' "$@"; }
  canary -X PUT "$HSMVAULT_TEST_URL/secrets/hygiene-canary?api-version=7.6" -d "{\"value\":\"$HSMVAULT_CANARY_SECRET\"}"
  canary "$HSMVAULT_TEST_URL/secrets/hygiene-canary/?api-version=7.6"
  canary -X PUT "$HSMVAULT_TEST_URL/secrets/hygiene-canary?api-version=7.6" -d "{\"value\":\"$HSMVAULT_CANARY_SECRET\",\"contentType\":5}"
  canary -X PUT "$HSMVAULT_TEST_URL/secrets/hygiene-canary?api-version=7.6" -d "{\"value\":\"$HSMVAULT_CANARY_SECRET"
  curl -s -o /dev/null -w '%{http_code}\n' --cacert "$HSMVAULT_TEST_CA" -H "Authorization: Bearer ${HSMVAULT_CANARY_TOKEN}x" \
    "$HSMVAULT_TEST_URL/secrets/hygiene-canary/?api-version=7.6"
fi

for project in HsmAdapter.Tests Functions.Tests; do
  if [ "$project" = HsmAdapter.Tests ]; then selected adapter || continue; else selected functions || continue; fi
  section "dotnet test tests/$project"
  trx="$work/results/$project.trx"
  dotnet test "tests/$project" --no-build -c Release --nologo "${filter[@]}" \
    --results-directory "$work/results" --logger "trx;LogFileName=$project.trx" || true
  results+=("$trx")
done

if selected node; then
  section "node --test (tests/e2e-node)"
  tap="$work/results/e2e-node.tap"
  # shellcheck disable=SC2086 # HSMVAULT_TEST_NODE is a list of files
  (
    cd tests/e2e-node
    export NODE_EXTRA_CA_CERTS="${HSMVAULT_TEST_CA:-}"
    node --test --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=tap --test-reporter-destination="$tap" ${HSMVAULT_TEST_NODE:-}
  ) || true
  results+=("$tap")
fi

if selected pwsh; then
  section "pwsh 7.6.9 + Pester 6.2.0 (tests/PowerShell)"
  junit="$work/results/powershell.junit.xml"
  POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off "$repo/.local/tools/pwsh/pwsh" -NoProfile -NonInteractive -File tests/PowerShell/run.ps1 \
    -PesterPath "$repo/.local/tools/nuget/pester/6.2.0/tools/Pester.psd1" -ResultPath "$junit" || true
  results+=("$junit")
fi

# Fault and crash tests start their own token, Azurite and hosts (tests/reliability/lib/cluster.mjs), never the ones above.
if selected reliability; then
  section "node --test (tests/reliability)"
  rtap="$work/results/reliability.tap"
  (
    cd tests/reliability
    TMPDIR="$work" node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=tap --test-reporter-destination="$rtap"
  ) || true
  results+=("$rtap")
fi

if selected hygiene; then
  section "log hygiene (every log, table row and blob searched for the PIN, client secrets and canaries)"
  export HSMVAULT_TEST_LOGS="$work/host/host.log:$work/host2/host.log:$work/host/inprocess.log"
  dotnet test tests/Functions.Tests --no-build -c Release --nologo --filter "Category=Hygiene" \
    --results-directory "$work/results" --logger "trx;LogFileName=hygiene.trx" || true
  results+=("$work/results/hygiene.trx")
fi

if grep -q . "$work/host/host.log" 2>/dev/null && ! node "$repo/tests/e2e-node/tools/totals.mjs" "${results[@]}" >/dev/null 2>&1; then
  section "standalone host log (tail)"
  tail -n 60 "$work/host/host.log"
fi
if [ -f "$work/host/host.pid" ] && ! kill -0 "$(cat "$work/host/host.pid")" 2>/dev/null && [ -f "$work/host/host.env" ]; then
  problems+=("standalone host exited during the tests")
fi

section "results"
args=()
for p in "${problems[@]}"; do args+=(--problem "$p"); done
node "$repo/tests/e2e-node/tools/totals.mjs" "${args[@]}" "${results[@]}"
