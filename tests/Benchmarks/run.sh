#!/usr/bin/env bash
# HsmVault benchmark: raw PKCS#11 (Pkcs11Interop -> SoftHSM2) vs the adapter (HsmToken) vs the full standalone
# service over HTTPS (auth, access policy, audit all on), the stack limit (a no-op route on the same Kestrel host), two
# instances on one Azurite and one token, storage and HSM operations per request, the audit figures (Azurite CPU, audit
# commit latency, usage query over 100,000 records), cold start, then a CPU profile of RS256/ES256 sign at peak.
# Writes BENCHMARKS.md at the repo root and prints it. Not part of tests/run.sh.
#
# Usage: bash tests/Benchmarks/run.sh [--quick] [--no-wait] [--no-profile]
#   --quick       short durations, 2 connection levels (for developing the harness; figures are not comparable)
#   --no-wait     do not wait for a quiet machine (1-min load < 0.7) before measuring
#   --no-profile  skip the perf / dotnet-trace / dotnet-counters profile (dotnet-counters still reads the audit commit histogram)
# Environment overrides: BENCH_SECONDS (10), BENCH_CONNECTIONS ("1 4 16 64"), BENCH_RAW_SECONDS (3),
#   BENCH_CREATE_SECONDS (10), BENCH_QUIET_LOAD (0.7), BENCH_QUIET_WAIT_SECONDS (1200), BENCH_USAGE_RECORDS (100000),
#   BENCH_COLD_RUNS (5), BENCH_AT80_CONNECTIONS (16).
# Raw outputs (wrk logs, JSON lines, perf/trace reports) are kept in tests/Benchmarks/out/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
infra="$repo/infra/local"
cd "$repo"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

quick="" wait_quiet=1 profile=1
for a in "$@"; do
  case "$a" in
    --quick) quick=1 ;;
    --no-wait) wait_quiet="" ;;
    --no-profile) profile="" ;;
    *) echo "usage: $0 [--quick] [--no-wait] [--no-profile]" >&2; exit 2 ;;
  esac
done
secs="${BENCH_SECONDS:-10}" conns="${BENCH_CONNECTIONS:-1 4 16 64}" raw_secs="${BENCH_RAW_SECONDS:-3}"
create_secs="${BENCH_CREATE_SECONDS:-10}" quiet_load="${BENCH_QUIET_LOAD:-0.7}" quiet_max="${BENCH_QUIET_WAIT_SECONDS:-1200}"
usage_records="${BENCH_USAGE_RECORDS:-100000}" cold_runs="${BENCH_COLD_RUNS:-5}" at80_conns="${BENCH_AT80_CONNECTIONS:-16}"
prof_secs=8 prof_warm=8 count_secs=3 idle_secs=6
if [ -n "$quick" ]; then
  secs="${BENCH_SECONDS:-2}" conns="${BENCH_CONNECTIONS:-1 16}" raw_secs="${BENCH_RAW_SECONDS:-0.5}" create_secs=2 prof_secs=3 prof_warm=3
  count_secs=2 idle_secs=3
fi

log() { echo "bench: $*" >&2; }
die() { echo "bench: ERROR: $*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# ---- dependencies -------------------------------------------------------------------------------------------
bash "$infra/ensure-deps.sh"
command -v curl >/dev/null || die "curl not found: apt-get install -y curl"
if ! command -v wrk >/dev/null; then
  log "installing wrk with apt-get"
  DEBIAN_FRONTEND=noninteractive as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq wrk >/dev/null \
    || die "could not install wrk: apt-get install -y wrk"
fi
tools="$HOME/.dotnet/tools"; export PATH="$PATH:$tools"
# dotnet-counters reads the host's audit commit histogram (every run); dotnet-trace and perf only serve the profile.
for t in dotnet-counters ${profile:+dotnet-trace}; do
  command -v "$t" >/dev/null || dotnet tool install -g "$t" >/dev/null 2>&1 || log "could not install $t (dotnet tool install -g $t); what it measures is skipped"
done
spy=/usr/lib/x86_64-linux-gnu/pkcs11-spy.so
[ -f "$spy" ] || { DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq opensc-pkcs11 >/dev/null 2>&1 || log "pkcs11-spy not available (apt-get install opensc-pkcs11); HSM calls per request skipped"; }
if [ -n "$profile" ]; then
  command -v perf >/dev/null || { DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq linux-perf >/dev/null 2>&1 || log "perf not available (apt-get install linux-perf); native split skipped"; }
fi

out="$here/out"
rm -rf "$out"; mkdir -p "$out"
work="$(mktemp -d "${TMPDIR:-/tmp}/hsmvault-bench.XXXXXX")"
bg_pids=()
cleanup() {
  for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  bash "$infra/stop-pid.sh" "$work/host/host.pid"
  bash "$infra/stop-pid.sh" "$work/host2/host.pid"
  bash "$infra/stop-pid.sh" "$work/host-spy/host.pid"
  bash "$infra/stop-pid.sh" "$work/host-prof/host.pid"
  bash "$infra/stop-azurite.sh" "$work/azurite"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- build (Release) -----------------------------------------------------------------------------------------
log "building Release (functions, benchmarks)"
dotnet build functions/HsmVault.Functions.csproj -c Release -nologo -clp:ErrorsOnly > "$out/build.log" 2>&1 || { cat "$out/build.log"; die "build failed"; }
dotnet build tests/Benchmarks/HsmVault.Benchmarks.csproj -c Release -nologo -clp:ErrorsOnly >> "$out/build.log" 2>&1 || { cat "$out/build.log"; die "build failed"; }
bench_bin="$here/bin/Release/net10.0/HsmVault.Benchmarks"

# ---- quiet machine ---------------------------------------------------------------------------------------------
load1() { cut -d' ' -f1 /proc/loadavg; }
below() { awk -v a="$1" -v b="$2" 'BEGIN{exit !(a<b)}'; }
quiet="not checked (--no-wait)"; waited=0
if [ -n "$wait_quiet" ]; then
  while ! below "$(load1)" "$quiet_load"; do
    if [ "$waited" -ge "$quiet_max" ]; then break; fi
    log "waiting for a quiet machine: 1-min load $(load1) >= $quiet_load (waited ${waited}s of ${quiet_max}s)"
    sleep 30; waited=$((waited + 30))
  done
  if below "$(load1)" "$quiet_load"; then quiet="yes (1-min load $(load1) < $quiet_load after waiting ${waited}s)"
  else quiet="NO: 1-min load still $(load1) after waiting ${waited}s; figures are disturbed by other work"; fi
fi
log "quiet machine: $quiet"
load_before="$(cat /proc/loadavg)"

# ---- SoftHSM2 token, raw and adapter throughput ---------------------------------------------------------------
export HSMVAULT_TEST_TOKEN_LABEL=hsmvault-bench
HSMVAULT_TEST_PIN="$(node -e 'process.stdout.write(require("crypto").randomBytes(12).toString("hex"))')"
export HSMVAULT_TEST_PIN
SOFTHSM2_CONF="$(bash "$infra/init-token.sh" "$work/softhsm" "$HSMVAULT_TEST_TOKEN_LABEL" "$HSMVAULT_TEST_PIN")"
export SOFTHSM2_CONF
hsm_args=(--label "$HSMVAULT_TEST_TOKEN_LABEL" --pin "$HSMVAULT_TEST_PIN" --keys "$work/hsm-keys.json" --seconds "$raw_secs" --threads 1,2 --out "$out/hsm.jsonl")
# The adapter also measures AES-GCM decrypt of a 64-byte value (a secret get's HSM part); every point records CPU per operation.
log "raw PKCS#11 and adapter throughput (${raw_secs}s per point)"
"$bench_bin" adapter "${hsm_args[@]}" > /dev/null
"$bench_bin" raw "${hsm_args[@]}" > /dev/null

# ---- Azurite and the standalone host ------------------------------------------------------------------------
azurite_port="$(bash "$infra/free-port.sh")"
AZURITE_BLOB_PORT="$(bash "$infra/free-port.sh")"
export AZURITE_BLOB_PORT
bash "$infra/start-azurite.sh" "$work/azurite" "$azurite_port" --in-memory
export HSMVAULT_TEST_TABLES="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:$azurite_port/devstoreaccount1;BlobEndpoint=http://127.0.0.1:$AZURITE_BLOB_PORT/devstoreaccount1;"
# The no-op route of the stack-limit row exists only when this setting is on (never in production, never under Functions).
HsmVault__Benchmark__NoopEndpoint=true bash "$infra/start-test-host.sh" "$work/host"
# shellcheck disable=SC1091
source "$work/host/host.env"
host_pid="$(cat "$work/host/host.pid")"
azurite_pid="$(cat "$work/azurite/azurite.pid")" azurite_blob_pid="$(cat "$work/azurite/azurite-blob.pid")"
# Azurite's access logs (one line per request, morgan "common" format): storage operations per request are counted from them.
table_log="$work/azurite/azurite.log" blob_log="$work/azurite/azurite-blob.log"
url="$HSMVAULT_TEST_URL" api="api-version=7.6"

get_token() {
  curl -sf --cacert "$HSMVAULT_TEST_CA" "$url/$HSMVAULT_TEST_TENANT/oauth2/v2.0/token" \
    -d grant_type=client_credentials -d client_id="$HSMVAULT_TEST_ADMIN_ID" --data-urlencode client_secret="$HSMVAULT_TEST_ADMIN_SECRET" \
    -d scope=https://localhost/.default | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token'
}
token="$(get_token)" || die "could not get a token from the development identity provider"
export BENCH_TOKEN="$token"
call() { # call METHOD PATH [BODY] -> response body on stdout, fails on non-2xx
  curl -sS --fail-with-body --cacert "$HSMVAULT_TEST_CA" -X "$1" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    "$url$2?$api" ${3:+-d "$3"}
}
field() { node -pe "const j=JSON.parse(require('fs').readFileSync(0));$1"; }
b64url() { node -e "process.stdout.write(require('crypto').randomBytes($1).toString('base64url'))"; }

log "creating benchmark keys through the API"
rsa_ver="$(call POST /keys/bench-rsa/create '{"kty":"RSA","key_size":2048}' | field 'j.key.kid.split("/").pop()')"
ec_ver="$(call POST /keys/bench-ec/create '{"kty":"EC","crv":"P-256"}' | field 'j.key.kid.split("/").pop()')"
aes_ver="$(call POST /keys/bench-aes/create '{"kty":"oct-HSM","key_size":256}' | field 'j.key.kid.split("/").pop()')"
ct="$(call POST "/keys/bench-rsa/$rsa_ver/encrypt" "{\"alg\":\"RSA-OAEP\",\"value\":\"$(b64url 32)\"}" | field 'j.value')"
printf '{"alg":"RS256","value":"%s"}' "$(b64url 32)" > "$work/rs256.json"
printf '{"alg":"ES256","value":"%s"}' "$(b64url 32)" > "$work/es256.json"
printf '{"alg":"RSA-OAEP","value":"%s"}' "$ct" > "$work/decrypt.json"
printf '{"alg":"A256GCM","value":"%s"}' "$(b64url 1024)" > "$work/gcm.json"
printf '{"kty":"RSA","key_size":2048}' > "$work/create.json"
printf '{"value":"%s"}' "$(b64url 48)" > "$work/secret.json"

# op name | method | path | body file (empty: none) | raw counterpart (op name in hsm.jsonl)
ops=(
  "rs256-sign|POST|/keys/bench-rsa/$rsa_ver/sign|$work/rs256.json|rs256-sign"
  "rsa-oaep-decrypt|POST|/keys/bench-rsa/$rsa_ver/decrypt|$work/decrypt.json|rsa-oaep-decrypt"
  "es256-sign|POST|/keys/bench-ec/$ec_ver/sign|$work/es256.json|es256-sign"
  "a256gcm-encrypt-1k|POST|/keys/bench-aes/$aes_ver/encrypt|$work/gcm.json|a256gcm-encrypt-1k"
  "secret-set|PUT|/secrets/bench-secret|$work/secret.json|"
  "secret-get|GET|/secrets/bench-secret||a256gcm-decrypt-64"
)
# The stack limit: the same host, TLS and Kestrel, a route that does nothing (no token check, no storage, no audit).
stack_op="stack-limit|GET|/benchmark/noop||"
create_op="rsa2048-create|POST|/keys/bench-created/create|$work/create.json|"
for o in "${ops[@]}" "$stack_op"; do
  IFS='|' read -r name method path body _ <<<"$o"
  curl -sS --fail-with-body --cacert "$HSMVAULT_TEST_CA" -X "$method" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    ${body:+--data-binary "@$body"} "$url$path?$api" > /dev/null || die "sanity request $name failed"
done

clk="$(getconf CLK_TCK)"
cpu_of() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
busy_total() { awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
lines_of() { if [ -f "$1" ]; then wc -l < "$1"; else echo 0; fi; }
# storage_ops FROM TO FROM TO: the table log's and the blob log's requests between two line counts, by kind:
# "table_reads table_writes table_batches blob_appends blob_other" (a $batch is one entity group transaction).
storage_ops() {
  local tr tw tb ba bo
  read -r tr tw tb < <(if [ "$2" -gt "$1" ]; then sed -n "$(($1 + 1)),$2p" "$table_log"; fi \
    | awk '/"GET /{r++; next} /\$batch/{b++; next} /"(POST|PUT|MERGE|PATCH|DELETE) /{w++} END{print r+0, w+0, b+0}')
  read -r ba bo < <(if [ "$4" -gt "$3" ]; then sed -n "$(($3 + 1)),$4p" "$blob_log"; fi \
    | awk '/comp=appendblock/{a++; next} /"[A-Z]+ /{o++} END{print a+0, o+0}')
  echo "$tr $tw $tb $ba $bo"
}
# Waits until Azurite (table and blob services) is nearly idle, so a point does not start while storage still works for the last.
wait_storage_idle() {
  local waited=0 a0 a1
  while [ "$waited" -lt 300 ]; do
    a0=$(( $(cpu_of "$azurite_pid") + $(cpu_of "$azurite_blob_pid") )); sleep 1
    a1=$(( $(cpu_of "$azurite_pid") + $(cpu_of "$azurite_blob_pid") )); waited=$((waited + 1))
    [ $(( (a1 - a0) * 100 )) -lt $(( clk * 10 )) ] && break
  done
  [ "$waited" -le 2 ] || log "waited ${waited}s for Azurite to go idle"
}

# run_wrk LABEL METHOD PATH BODY CONNS SECONDS [DELAY_MS] -> appends one JSON line to out/service.jsonl
# (env SKIP_IDLE_WAIT=1: start at once, without waiting for Azurite to go idle). Host and Azurite CPU per request come from /proc/PID/stat
# (utime+stime) over the run; storage operations from Azurite's access logs.
run_wrk() {
  local label="$1" method="$2" path="$3" body="$4" c="$5" d="$6" delay="${7:-0}"
  [ -n "${SKIP_IDLE_WAIT:-}" ] || wait_storage_idle
  local t=$(( c < 2 ? c : 2 ))
  local h0 a0 b0 m0 h1 a1 b1 m1 tl0 bl0 tl1 bl1 f="$out/wrk-$label-c$c.txt"
  h0="$(cpu_of "$host_pid")" a0="$(cpu_of "$azurite_pid")" b0="$(cpu_of "$azurite_blob_pid")" m0="$(busy_total)"
  tl0="$(lines_of "$table_log")" bl0="$(lines_of "$blob_log")"
  BENCH_METHOD="$method" BENCH_BODY_FILE="$body" BENCH_DELAY_MS="$delay" \
    wrk -t"$t" -c"$c" -d"${d}s" --timeout 10s --latency -s "$here/request.lua" "$url$path?$api" > "$f" 2>&1 || true
  h1="$(cpu_of "$host_pid")" a1="$(cpu_of "$azurite_pid")" b1="$(cpu_of "$azurite_blob_pid")" m1="$(busy_total)"
  sleep 0.2; tl1="$(lines_of "$table_log")" bl1="$(lines_of "$blob_log")"
  local j; j="$(sed -n 's/^BENCHJSON //p' "$f")"
  [ -n "$j" ] || { cat "$f" >&2; die "wrk produced no result for $label c=$c"; }
  node -e '
    const [j,label,c,delay,h0,h1,a0,a1,b0,b1,m0,m1,clk,st]=process.argv.slice(1); const r=JSON.parse(j);
    const [mb0,mt0]=m0.split(" ").map(Number),[mb1,mt1]=m1.split(" ").map(Number);
    const s=r.duration_us/1e6, ms=t=>t*1000/Number(clk), per=x=>r.requests?x/r.requests:0;
    r.op=label; r.connections=+c; r.delay_ms=+delay; r.rps=r.requests/s;
    r.host_cpu_ms_per_req=per(ms(h1-h0)); r.azurite_table_cpu_ms_per_req=per(ms(a1-a0)); r.azurite_blob_cpu_ms_per_req=per(ms(b1-b0));
    r.azurite_cpu_ms_per_req=r.azurite_table_cpu_ms_per_req+r.azurite_blob_cpu_ms_per_req;
    const [tr,tw,tb,ba,bo]=st.split(" ").map(Number); r.storage={table_reads:tr,table_writes:tw,table_batches:tb,blob_appends:ba,blob_other:bo};
    r.machine_busy_pct=100*(mb1-mb0)/Math.max(1,mt1-mt0);
    console.log(JSON.stringify(r));' "$j" "$label" "$c" "$delay" "$h0" "$h1" "$a0" "$a1" "$b0" "$b1" "$m0" "$m1" "$clk" \
    "$(storage_ops "$tl0" "$tl1" "$bl0" "$bl1")" >> "$out/service.jsonl"
  tail -n 1 "$out/service.jsonl" | node -pe 'const r=JSON.parse(require("fs").readFileSync(0));
    `bench: ${r.op} c=${r.connections}${r.delay_ms?" delay="+r.delay_ms+"ms":""}: ${r.rps.toFixed(0)}/s p50=${(r.p50_us/1000).toFixed(2)}ms p99=${(r.p99_us/1000).toFixed(2)}ms non2xx=${r.errors_status} host=${r.host_cpu_ms_per_req.toFixed(3)}ms/req azurite=${r.azurite_cpu_ms_per_req.toFixed(3)}ms/req`' >&2
}

# Background storage traffic of an idle host (timers, sweeps), per second: subtracted from the per-request counts.
wait_storage_idle
tl0="$(lines_of "$table_log")" bl0="$(lines_of "$blob_log")"; sleep "$idle_secs"
echo "{\"seconds\":$idle_secs,\"ops\":\"$(storage_ops "$tl0" "$(lines_of "$table_log")" "$bl0" "$(lines_of "$blob_log")")\"}" > "$out/storage-idle.json"

# Untimed warm-up of every measured route, so the first measured point does not include tiered JIT compilation.
log "service warm-up (${prof_warm}s per operation, untimed)"
for o in "${ops[@]}" "$stack_op"; do
  IFS='|' read -r name method path body _ <<<"$o"
  BENCH_METHOD="$method" BENCH_BODY_FILE="$body" wrk -t2 -c4 -d"${prof_warm}s" -s "$here/request.lua" "$url$path?$api" > /dev/null 2>&1 || true
done
log "service throughput: ${secs}s per point, connections: $conns"
for o in "${ops[@]}" "$stack_op"; do
  IFS='|' read -r name method path body _ <<<"$o"
  for c in $conns; do run_wrk "$name" "$method" "$path" "$body" "$c" "$secs"; done
done
log "RSA-2048 key create (${create_secs}s)"
IFS='|' read -r name method path body _ <<<"$create_op"
run_wrk "$name" "$method" "$path" "$body" 1 "$create_secs"
run_wrk "$name" "$method" "$path" "$body" 2 "$create_secs"

# Peak = best throughput over the connection levels; p99 at ~80% of peak: 16 connections (BENCH_AT80_CONNECTIONS) with a
# per-connection pause tuned so that throughput lands near 80% of the peak (wrk is closed-loop; one calibration run, then the
# measured one).
peak_of() { node -e 'const [op]=process.argv.slice(1);const rs=require("fs").readFileSync(process.argv[2],"utf8").trim().split("\n").map(JSON.parse).filter(r=>r.op===op&&!r.delay_ms);
  rs.sort((a,b)=>b.rps-a.rps);const at=rs.find(r=>r.connections===+process.argv[3])||rs[0];console.log(rs[0].connections, rs[0].rps, at.mean_us)' "$1" "$out/service.jsonl" "${2:-0}"; }
log "p99 at ~80% of peak, $at80_conns connections"
for o in "${ops[@]}"; do
  IFS='|' read -r name method path body _ <<<"$o"
  read -r _ prps pmean <<<"$(peak_of "$name" "$at80_conns")"
  # per-connection period at 80% = c / (0.8 * peak); pause = period - latency (latency drops below load, so calibrate once)
  delay="$(node -pe "Math.max(1,Math.round($at80_conns*1000/(0.8*$prps) - $pmean/1000))")"
  run_wrk "$name-cal80" "$method" "$path" "$body" "$at80_conns" "$(( secs < 5 ? secs : 5 ))" "$delay"
  got="$(tail -n 1 "$out/service.jsonl" | field 'j.rps')"
  delay="$(node -pe "Math.max(1,Math.round($delay + $at80_conns*1000*(1/(0.8*$prps) - 1/$got)))")"
  run_wrk "$name-at80" "$method" "$path" "$body" "$at80_conns" "$secs" "$delay"
done

# ---- audit commit latency at 16 connections -------------------------------------------------------------------
# The host's "HsmVault" meter records each group commit's duration and size (hsmvault.audit.commit.*); dotnet-counters reads
# the histograms' percentiles once a second while wrk runs at 16 connections. A request's record waits for the commit in
# flight, then goes out in the next one: the added latency lies between one and two commit durations.
counters_dur() { printf '00:00:%02d:%02d' $(( $1 / 60 )) $(( $1 % 60 )); }
if command -v dotnet-counters >/dev/null; then
  for o in "${ops[2]}" "${ops[5]}"; do
    IFS='|' read -r name method path body _ <<<"$o"
    log "audit commit latency: $name, 16 connections (dotnet-counters)"
    rm -f "$out/audit-counters-$name.json"
    ( dotnet-counters collect -p "$host_pid" --counters HsmVault --refresh-interval 1 --duration "$(counters_dur $((secs + 2)))" \
        --format json -o "$out/audit-counters-$name.json" > "$out/audit-counters-$name.log" 2>&1 || true ) &
    bg_pids+=($!); sleep 1.5
    run_wrk "$name-audit16" "$method" "$path" "$body" 16 "$secs"
    wait "${bg_pids[-1]}" || true
    [ -s "$out/audit-counters-$name.json" ] || log "dotnet-counters wrote nothing for $name (see out/audit-counters-$name.log)"
  done
else
  log "dotnet-counters missing: audit commit latency skipped"
fi

# ---- two instances on one Azurite and one token ------------------------------------------------------------------
# A second standalone host (infra/local/start-test-host.sh DIR PRIMARY: same storage, same HSM token, trusts the first
# host's identity provider, so the same bearer token works on both); both driven at once, each with the single instance's
# peak connection count.
log "two instances: ES256 sign and secret get on both hosts at once"
if bash "$infra/start-test-host.sh" "$work/host2" "$work/host"; then
  host2_url="$(sed -n "s/^export HSMVAULT_TEST_B_URL='\(.*\)'$/\1/p" "$work/host2/host.env")"
  host2_pid="$(cat "$work/host2/host.pid")"
  for o in "${ops[2]}" "${ops[5]}"; do
    IFS='|' read -r name method path body _ <<<"$o"
    read -r pc _ _ <<<"$(peak_of "$name")"
    BENCH_METHOD="$method" BENCH_BODY_FILE="$body" wrk -t2 -c4 -d"${prof_warm}s" -s "$here/request.lua" "$host2_url$path?$api" > /dev/null 2>&1 || true
    wait_storage_idle
    h2a="$(cpu_of "$host2_pid")"
    ( BENCH_METHOD="$method" BENCH_BODY_FILE="$body" wrk -t"$(( pc < 2 ? pc : 2 ))" -c"$pc" -d"${secs}s" --timeout 10s --latency \
        -s "$here/request.lua" "$host2_url$path?$api" > "$out/wrk-$name-host2-c$pc.txt" 2>&1 || true ) &
    p2=$!; bg_pids+=("$p2")
    SKIP_IDLE_WAIT=1 run_wrk "$name-2hosts-a" "$method" "$path" "$body" "$pc" "$secs"
    wait "$p2" || true
    h2b="$(cpu_of "$host2_pid")"
    node -e 'const fs=require("fs");const [f,label,c,h0,h1,clk]=process.argv.slice(1);
      const r=JSON.parse(fs.readFileSync(f,"utf8").match(/^BENCHJSON (.*)$/m)[1]);
      r.op=label;r.connections=+c;r.delay_ms=0;r.rps=r.requests/(r.duration_us/1e6);r.host_cpu_ms_per_req=r.requests?(h1-h0)*1000/clk/r.requests:0;
      console.log(JSON.stringify(r));' "$out/wrk-$name-host2-c$pc.txt" "$name-2hosts-b" "$pc" "$h2a" "$h2b" "$clk" >> "$out/service.jsonl" \
      || log "no wrk result from the second host for $name"
  done
  bash "$infra/stop-pid.sh" "$work/host2/host.pid"
else
  log "the second host did not start: two-instance row skipped"
fi

# ---- HSM calls per request type (OpenSC pkcs11-spy in front of SoftHSM2, on a third instance) ----------------------
# The spy logs every PKCS#11 call with its arguments, the PIN of C_Login included, so its output goes into a pipe and only
# the function names ever reach a file. Each request type runs ${count_secs}s at one connection; an idle window first gives
# the background rate (timers) that is subtracted.
if [ -f "$spy" ]; then
  log "HSM calls per request (pkcs11-spy, ${count_secs}s per request type)"
  mkfifo "$work/spy.fifo"
  awk '/^[0-9]+: C_/{print $2; fflush()}' < "$work/spy.fifo" > "$out/hsm-calls.txt" &
  bg_pids+=($!)
  if PKCS11SPY=/usr/lib/softhsm/libsofthsm2.so PKCS11SPY_OUTPUT="$work/spy.fifo" HSMVAULT_TEST_PKCS11_MODULE="$spy" \
      bash "$infra/start-test-host.sh" "$work/host-spy" "$work/host"; then
    spy_url="$(sed -n "s/^export HSMVAULT_TEST_B_URL='\(.*\)'$/\1/p" "$work/host-spy/host.env")"
    calls_at() { sleep 0.5; lines_of "$out/hsm-calls.txt"; }
    n0="$(calls_at)"; sleep "$idle_secs"; n1="$(calls_at)"
    echo "{\"op\":\"idle\",\"seconds\":$idle_secs,\"from\":$n0,\"to\":$n1}" > "$out/hsm-calls.jsonl"
    for o in "${ops[@]}"; do
      IFS='|' read -r name method path body _ <<<"$o"
      BENCH_METHOD="$method" BENCH_BODY_FILE="$body" wrk -t1 -c1 -d1s -s "$here/request.lua" "$spy_url$path?$api" > /dev/null 2>&1 || true
      n0="$(calls_at)"
      BENCH_METHOD="$method" BENCH_BODY_FILE="$body" wrk -t1 -c1 -d"${count_secs}s" --timeout 10s -s "$here/request.lua" "$spy_url$path?$api" \
        > "$out/wrk-$name-spy.txt" 2>&1 || true
      n1="$(calls_at)"
      node -e 'const fs=require("fs");const [f,op,from,to]=process.argv.slice(1);
        const r=JSON.parse(fs.readFileSync(f,"utf8").match(/^BENCHJSON (.*)$/m)[1]);
        console.log(JSON.stringify({op,requests:r.requests,non2xx:r.errors_status,seconds:r.duration_us/1e6,from:+from,to:+to}));' \
        "$out/wrk-$name-spy.txt" "$name" "$n0" "$n1" >> "$out/hsm-calls.jsonl" || log "no spy result for $name"
    done
    # Key create takes too long for a timed window: three requests, one after the other.
    IFS='|' read -r name method path body _ <<<"$create_op"
    n0="$(calls_at)" t0="$(date +%s.%N)" ok=0
    for _ in 1 2 3; do
      [ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$HSMVAULT_TEST_CA" -X "$method" -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' --data-binary "@$body" "$spy_url$path?$api")" = 200 ] && ok=$((ok + 1))
    done
    n1="$(calls_at)"
    echo "{\"op\":\"$name\",\"requests\":$ok,\"non2xx\":$((3 - ok)),\"seconds\":$(node -pe "$(date +%s.%N)-$t0"),\"from\":$n0,\"to\":$n1}" >> "$out/hsm-calls.jsonl"
    bash "$infra/stop-pid.sh" "$work/host-spy/host.pid"
  else
    log "the pkcs11-spy host did not start: HSM calls per request skipped"
  fi
fi

# ---- audit usage query over >= 100,000 records, cold start -----------------------------------------------------
# Every authenticated request above left an audit record; secret gets (the cheapest audited operation) are added until the
# day holds BENCH_USAGE_RECORDS of them, then the auditor's usage query over the day is timed (median of 5).
auditor_token="$(curl -sf --cacert "$HSMVAULT_TEST_CA" "$url/$HSMVAULT_TEST_TENANT/oauth2/v2.0/token" \
  -d grant_type=client_credentials -d client_id="$HSMVAULT_TEST_AUDITOR_ID" --data-urlencode client_secret="$HSMVAULT_TEST_AUDITOR_SECRET" \
  -d scope=https://localhost/.default | field 'j.access_token')"
usage_url="$url/management/audit/vaults/default/usage?api-version=2024-11-01&granularity=hour"
usage_count() {
  curl -sS --fail-with-body --cacert "$HSMVAULT_TEST_CA" -H "Authorization: Bearer $auditor_token" "$usage_url" \
    | node -pe 'const u=JSON.parse(require("fs").readFileSync(0));[...u.keys,...u.secrets].flatMap(k=>k.usage).reduce((s,c)=>s+c.count,0)'
}
have="$(usage_count)" || die "the auditor's usage query failed"
seeded=0
log "audit usage: $have records today; seeding up to $usage_records with secret gets"
IFS='|' read -r _ method path body _ <<<"${ops[5]}"
while [ "$have" -lt "$usage_records" ] && [ "$seeded" -lt 900 ]; do
  rate="$(node -pe 'Math.max(500,...require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n").map(JSON.parse).filter(r=>r.op==="secret-get").map(r=>r.rps))' "$out/service.jsonl")"
  chunk="$(node -pe "Math.min(120,Math.max(3,Math.ceil(($usage_records-$have)/$rate)+1))")"
  BENCH_METHOD="$method" BENCH_BODY_FILE="$body" wrk -t2 -c16 -d"${chunk}s" --timeout 10s -s "$here/request.lua" "$url$path?$api" > "$out/wrk-usage-seed.txt" 2>&1 || true
  seeded=$((seeded + chunk)); have="$(usage_count)" || die "the auditor's usage query failed"
  log "audit usage: $have records after ${seeded}s of seeding"
done
wait_storage_idle
log "audit usage query over the day's records (median of 5)"
usage_times=()
for _ in 1 2 3 4 5; do
  usage_times+=("$(curl -sS --fail-with-body -o "$out/usage.json" -w '%{time_total}' --cacert "$HSMVAULT_TEST_CA" \
    -H "Authorization: Bearer $auditor_token" "$usage_url")")
done
node -e 'const [f,...t]=process.argv.slice(1); const u=JSON.parse(require("fs").readFileSync(f,"utf8"));
  const usage=[...u.keys,...u.secrets].flatMap(k=>k.usage), records=usage.reduce((s,c)=>s+c.count,0);
  const ms=t.map(Number).map(x=>x*1000).sort((a,b)=>a-b);
  console.log(JSON.stringify({op:"audit-usage-query",records,rows:usage.length,median_ms:ms[Math.floor(ms.length/2)],all_ms:ms}))' \
  "$out/usage.json" "${usage_times[@]}" > "$out/audit.json"
log "audit usage query: $(cat "$out/audit.json")"
log "cold start (median of $cold_runs instances)"
node "$here/cold-start.mjs" "$work/host" "$infra/free-port.sh" "$cold_runs" > "$out/cold-start.json" || log "cold start measurement failed"
log "cold start: $(cat "$out/cold-start.json" 2>/dev/null)"

hwm_kb="$(awk '/^VmHWM/{print $2}' "/proc/$host_pid/status")"
rss_kb="$(awk '/^VmRSS/{print $2}' "/proc/$host_pid/status")"
load_after="$(cat /proc/loadavg)"
non2xx_host_log="$(grep -c ' fail: \|LogError\|Unhandled' "$work/host/host.log" || true)"
cp "$work/host/host.log" "$out/host.log"

# ---- profile: RS256 and ES256 sign at the connection count of peak throughput ------------------------------
if [ -n "$profile" ]; then
  # A second instance of the same build on the same token and tables, for profiling only: W^X off so JIT code lives in
  # anonymous memory that perf can name through the perf map (DOTNET_PerfMapEnabled). The figures above come from the
  # unmodified host, which is stopped first.
  bash "$infra/stop-pid.sh" "$work/host/host.pid"
  DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 bash "$infra/start-test-host.sh" "$work/host-prof"
  # shellcheck disable=SC1091
  source "$work/host-prof/host.env"
  host_pid="$(cat "$work/host-prof/host.pid")" url="$HSMVAULT_TEST_URL"
  BENCH_TOKEN="$(get_token)" || die "could not get a token from the profiling host"
  for o in "${ops[@]}"; do
    IFS='|' read -r name method path body _ <<<"$o"
    # warm-up: tiered JIT reaches its optimized tier before sampling
    BENCH_METHOD="$method" BENCH_BODY_FILE="$body" wrk -t2 -c16 -d"${prof_warm}s" -s "$here/request.lua" "$url$path?$api" > /dev/null 2>&1 || true
  done
  for o in "${ops[0]}" "${ops[2]}"; do
    IFS='|' read -r name method path body _ <<<"$o"
    read -r pc _ _ <<<"$(peak_of "$name")"
    if command -v perf >/dev/null; then
      log "profile $name c=$pc: perf (whole machine, call graphs, ${prof_secs}s)"
      ( BENCH_METHOD="$method" BENCH_BODY_FILE="$body" wrk -t2 -c"$pc" -d"$((prof_secs + 3))s" -s "$here/request.lua" "$url$path?$api" > "$out/prof-$name-wrk-perf.txt" 2>&1 ) &
      bg_pids+=($!); sleep 2
      perf record -F 299 -a --call-graph dwarf,16384 -o "$out/perf-$name.data" -- sleep "$prof_secs" > /dev/null 2>&1 || log "perf record failed"
      wait "${bg_pids[-1]}" || true
      if [ -f "$out/perf-$name.data" ]; then
        perf script --no-inline -i "$out/perf-$name.data" -F comm,pid,tid,ip,sym,dso 2> /dev/null \
          | node "$here/perf-split.mjs" "$host_pid" "$azurite_pid" "$(sed -n 's/^BENCHJSON //p' "$out/prof-$name-wrk-perf.txt")" > "$out/profile-$name-perf.json" \
          || log "perf split failed"
      fi
    fi
    if command -v dotnet-trace >/dev/null; then
      log "profile $name c=$pc: dotnet-trace (cpu sampling, ${prof_secs}s) and dotnet-counters"
      ( BENCH_METHOD="$method" BENCH_BODY_FILE="$body" wrk -t2 -c"$pc" -d"$((prof_secs + 3))s" -s "$here/request.lua" "$url$path?$api" > "$out/prof-$name-wrk-trace.txt" 2>&1 ) &
      bg_pids+=($!); sleep 2
      dotnet-trace collect -p "$host_pid" --profile dotnet-sampled-thread-time --duration "00:00:00:0$prof_secs" -o "$out/trace-$name.nettrace" > /dev/null 2>&1 \
        || log "dotnet-trace failed"
      wait "${bg_pids[-1]}" || true
      [ -f "$out/trace-$name.nettrace" ] && dotnet-trace report "$out/trace-$name.nettrace" topN -n 40 > "$out/profile-$name-trace-top-exclusive.txt" 2>&1 || true
      [ -f "$out/trace-$name.nettrace" ] && dotnet-trace report "$out/trace-$name.nettrace" topN -n 60 --inclusive > "$out/profile-$name-trace-top-inclusive.txt" 2>&1 || true
      if command -v dotnet-counters >/dev/null; then
        ( BENCH_METHOD="$method" BENCH_BODY_FILE="$body" wrk -t2 -c"$pc" -d"$((prof_secs + 3))s" -s "$here/request.lua" "$url$path?$api" > "$out/prof-$name-wrk-counters.txt" 2>&1 ) &
        bg_pids+=($!); sleep 2
        dotnet-counters collect -p "$host_pid" --counters System.Runtime,Microsoft.AspNetCore.Server.Kestrel,System.Net.Http --refresh-interval 1 \
          --duration "00:00:00:0$prof_secs" --format csv -o "$out/profile-$name-counters.csv" > /dev/null 2>&1 || log "dotnet-counters failed"
        wait "${bg_pids[-1]}" || true
      fi
    fi
  done
fi


node "$here/report.mjs" --out "$repo/BENCHMARKS.md" --hsm "$out/hsm.jsonl" --service "$out/service.jsonl" --profiles "$out" \
  --quiet "$quiet" --load-before "$load_before" --load-after "$load_after" --hwm-kb "$hwm_kb" --rss-kb "$rss_kb" \
  --audit "$out/audit.json" --storage-idle "$out/storage-idle.json" --hsm-calls "$out/hsm-calls.jsonl" --hsm-call-list "$out/hsm-calls.txt" \
  --usage-target "$usage_records" --at80-conns "$at80_conns" --cold "$out/cold-start.json" --secs "$secs" --raw-secs "$raw_secs" --create-secs "$create_secs" --conns "$conns" --quick "${quick:-0}" \
  --commit "$(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- functions hsm-adapter || echo '+dirty')"
cat "$repo/BENCHMARKS.md"
