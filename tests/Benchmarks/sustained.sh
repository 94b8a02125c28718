#!/usr/bin/env bash
# Sustained load on the README's run mode (bash infra/local/run.sh: persisted Azurite under .local/azurite, durable audit
# to append blobs): a mix of RS256 sign, secret get and RSA-OAEP encrypt at 16 connections in all, for N one-minute windows.
# Per minute it records each operation's p99 and throughput, Azurite's RSS (table and blob services) and its data folder
# size, and writes the table to tests/Benchmarks/out/sustained.md (and prints it). Not part of tests/run.sh.
# Usage: bash tests/Benchmarks/sustained.sh [MINUTES]   (default 5; needs nothing else running on 8443 / 10000 / 10002)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
minutes="${1:-5}"
out="$here/out"; mkdir -p "$out"
work="$(mktemp -d "${TMPDIR:-/tmp}/hsmvault-sustained.XXXXXX")"
run_pid=""
cleanup() { [ -z "$run_pid" ] || kill "$run_pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
command -v wrk >/dev/null || { echo "sustained: wrk missing: apt-get install -y wrk" >&2; exit 1; }

bash "$repo/infra/local/run.sh" > "$work/run.log" 2>&1 &
run_pid=$!
for _ in $(seq 1 600); do grep -q "HsmVault vault ready at" "$work/run.log" && break; sleep 0.5; done
grep -q "HsmVault vault ready at" "$work/run.log" || { tail -40 "$work/run.log"; echo "sustained: the vault did not start" >&2; exit 1; }
ca="$(sed -n 's/^.*HsmVault TLS certificate: *//p' "$work/run.log" | head -n 1)"
url=https://localhost:8443 tenant=11111111-1111-4111-8111-111111111111 api="api-version=7.6"
setting() { node -e 'const v=JSON.parse(require("fs").readFileSync(process.argv[2],"utf8")).Values||{};process.stdout.write(String(v[process.argv[1]]??""))' "$1" "$repo/local.settings.json"; }
BENCH_TOKEN="$(curl -sf --cacert "$ca" "$url/$tenant/oauth2/v2.0/token" -d grant_type=client_credentials \
  -d client_id="$(setting HsmVault__DevIdentity__Principals__0__ClientId)" --data-urlencode client_secret="$(setting HsmVault__DevIdentity__Principals__0__ClientSecret)" \
  -d scope=https://localhost/.default | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')"
export BENCH_TOKEN
call() { curl -sS --fail-with-body --cacert "$ca" -X "$1" -H "Authorization: Bearer $BENCH_TOKEN" -H 'Content-Type: application/json' "$url$2?$api" ${3:+-d "$3"}; }
b64url() { node -e "process.stdout.write(require('crypto').randomBytes($1).toString('base64url'))"; }
rsa="$(call POST /keys/sustained-rsa/create '{"kty":"RSA","key_size":2048}' | node -pe 'new URL(JSON.parse(require("fs").readFileSync(0)).key.kid).pathname')"
call PUT /secrets/sustained-secret "{\"value\":\"$(b64url 32)\"}" > /dev/null
printf '{"alg":"RS256","value":"%s"}' "$(b64url 32)" > "$work/sign.json"
printf '{"alg":"RSA-OAEP","value":"%s"}' "$(b64url 32)" > "$work/encrypt.json"

azurite_dir="$repo/.local/azurite"
rss_mb() { local t=0 f; for f in "$azurite_dir"/azurite*.pid; do t=$((t + $(awk '/^VmRSS/{print $2}' "/proc/$(cat "$f")/status" 2>/dev/null || echo 0))); done; echo $((t / 1024)); }
printf '| minute | sign p99 ms | sign /s | secret get p99 ms | secret get /s | encrypt p99 ms | encrypt /s | non-2xx | Azurite RSS MB | .local/azurite MB |\n' > "$out/sustained.md"
printf '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n' >> "$out/sustained.md"
for m in $(seq 1 "$minutes"); do
  BENCH_METHOD=POST BENCH_BODY_FILE="$work/sign.json" wrk -t1 -c6 -d60s --latency -s "$here/request.lua" "$url$rsa/sign?$api" > "$work/sign.txt" 2>&1 & p1=$!
  BENCH_METHOD=GET BENCH_BODY_FILE="" wrk -t1 -c5 -d60s --latency -s "$here/request.lua" "$url/secrets/sustained-secret/?$api" > "$work/get.txt" 2>&1 & p2=$!
  BENCH_METHOD=POST BENCH_BODY_FILE="$work/encrypt.json" wrk -t1 -c5 -d60s --latency -s "$here/request.lua" "$url$rsa/encrypt?$api" > "$work/enc.txt" 2>&1 & p3=$!
  wait "$p1" "$p2" "$p3" || true
  row="$(node -e '
    const fs=require("fs"); const j=f=>JSON.parse(fs.readFileSync(f,"utf8").match(/^BENCHJSON (.*)$/m)[1]);
    const [m,rss,du,...files]=process.argv.slice(1); const rs=files.map(j);
    const cell=r=>`${(r.p99_us/1000).toFixed(1)} | ${Math.round(r.requests/(r.duration_us/1e6))}`;
    console.log(`| ${m} | ${rs.map(cell).join(" | ")} | ${rs.reduce((s,r)=>s+r.errors_status+r.errors_timeout,0)} | ${rss} | ${du} |`);' \
    "$m" "$(rss_mb)" "$(du -sm "$azurite_dir" | cut -f1)" "$work/sign.txt" "$work/get.txt" "$work/enc.txt")"
  echo "$row" | tee -a "$out/sustained.md" >&2
done
{ echo; echo "\`bash tests/Benchmarks/sustained.sh $minutes\` on $(date -u +%FT%TZ), commit $(git -C "$repo" rev-parse --short HEAD), load before the end: $(cut -d' ' -f1-3 /proc/loadavg)"; } >> "$out/sustained.md"
cat "$out/sustained.md"
