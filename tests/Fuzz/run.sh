#!/usr/bin/env bash
# Fuzzes one parser of untrusted bytes with AFL++ and SharpFuzz, on demand (not part of tests/run.sh).
# Usage: tests/Fuzz/run.sh TARGET [SECONDS]        TARGET: jwk byok backup json jwt; SECONDS: 60 by default
#        tests/Fuzz/run.sh replay [TARGET...]       every corpus and crash file through the targets in process (no AFL)
# Installs what it needs (afl++ from Debian, the SharpFuzz.CommandLine 2.3.0 dotnet tool under .local/tools), builds this
# project into .local/fuzz/build, instruments a copy of the vault's dll (and IdentityModel's for jwt), runs afl-fuzz for SECONDS and
# prints execs and crashes; each crash is replayed in process to show its exception. Findings stay in .local/fuzz/TARGET.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$repo/.local/fuzz"
build="$work/build"   # plain build (incremental; replay runs it), copied to bin-TARGET and instrumented there
targets=(jwk byok backup json jwt)
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

build_harness() { dotnet build "$here/HsmVault.Fuzz.csproj" -c Release -o "$build" -nologo -clp:ErrorsOnly >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }; }
mkdir -p "$work"

if [ "${1:-}" = replay ]; then
  shift
  build_harness
  rc=0
  for t in "${@:-${targets[@]}}"; do
    paths=("$here/corpus/$t")
    [ -d "$work/$t/default/crashes" ] && paths+=("$work/$t/default/crashes")
    dotnet "$build/HsmVault.Fuzz.dll" replay "$t" "${paths[@]}" || rc=1
  done
  exit $rc
fi

target="${1:?usage: run.sh TARGET [SECONDS] | run.sh replay [TARGET...]}"
seconds="${2:-60}"
[[ " ${targets[*]} " == *" $target "* ]] || { echo "unknown target '$target' (targets: ${targets[*]})" >&2; exit 2; }

if ! command -v afl-fuzz >/dev/null; then
  echo "run.sh: installing afl++ (apt-get)" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++; } >"$work/apt.log" 2>&1 \
    || { tail -n 20 "$work/apt.log"; echo "run.sh: could not install afl++" >&2; exit 1; }
fi
sharpfuzz="$repo/.local/tools/sharpfuzz/sharpfuzz"
if [ ! -x "$sharpfuzz" ]; then
  echo "run.sh: installing SharpFuzz.CommandLine 2.3.0 (dotnet tool) into .local/tools/sharpfuzz" >&2
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$repo/.local/tools/sharpfuzz" >/dev/null
fi

build_harness
bin="$work/bin-$target"
rm -rf "$bin" && cp -r "$build" "$bin"
instrument=(HsmVault.Functions.dll)
[ "$target" = jwt ] && instrument+=(Microsoft.IdentityModel.JsonWebTokens.dll Microsoft.IdentityModel.Tokens.dll)
for dll in "${instrument[@]}"; do "$sharpfuzz" "$bin/$dll" >/dev/null; done

out="$work/$target"
rm -rf "$out"
echo "run.sh: afl-fuzz $target for $seconds s (findings in $out)" >&2
# The target is `dotnet` (not AFL-instrumented itself: SharpFuzz instruments the dll); its start takes seconds.
AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_FORKSRV_INIT_TMOUT=60000 \
  AFL_NO_AFFINITY=1 afl-fuzz -i "$here/corpus/$target" -o "$out" -V "$seconds" -t 5000 -m none \
  -- dotnet "$bin/HsmVault.Fuzz.dll" fuzz "$target" >"$work/$target.log" 2>&1 || { tail -n 30 "$work/$target.log"; exit 1; }

stats="$out/default/fuzzer_stats"
stat() { sed -n "s/^$1 *: *//p" "$stats"; }
crashes="$(find "$out/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)"
echo "fuzz $target: $(stat execs_done) execs in $(stat run_time) s ($(stat execs_per_sec)/s), corpus $(stat corpus_count), crashes $crashes, hangs $(stat saved_hangs)"
if [ "$crashes" -gt 0 ]; then
  dotnet "$build/HsmVault.Fuzz.dll" replay "$target" "$out/default/crashes" || true
  exit 1
fi
