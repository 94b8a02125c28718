#!/usr/bin/env bash
# Installs what a local run or test run needs, idempotently; fails loudly with a hint otherwise.
# Usage: ensure-deps.sh [--tests]   (--tests also installs tests/e2e-node dependencies)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
softhsm_lib=/usr/lib/softhsm/libsofthsm2.so

die() { echo "ensure-deps: ERROR: $*" >&2; exit 1; }
log() { echo "ensure-deps: $*" >&2; }

command -v dotnet >/dev/null 2>&1 || die "dotnet not found. Install the .NET 10 SDK (https://learn.microsoft.com/dotnet/core/install/linux-debian, e.g. 'apt-get install dotnet-sdk-10.0')."
command -v node >/dev/null 2>&1 || die "node not found. Install Node.js 20 or newer (e.g. 'apt-get install nodejs npm')."
command -v npm >/dev/null 2>&1 || die "npm not found. Install npm (e.g. 'apt-get install npm')."
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || die "node $(node --version) is too old; Node.js 20 or newer is required."

if ! command -v softhsm2-util >/dev/null 2>&1 || [ ! -e "$softhsm_lib" ] || ! command -v pkcs11-tool >/dev/null 2>&1; then
  log "installing softhsm2 and opensc with apt-get"
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "softhsm2/opensc missing and not root: run 'sudo apt-get update && sudo apt-get install -y softhsm2 opensc'."
    apt=(sudo apt-get)
  else
    apt=(apt-get)
  fi
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" update -qq \
    || die "'apt-get update' failed; install manually: apt-get update && apt-get install -y softhsm2 opensc"
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq softhsm2 opensc >/dev/null \
    || die "'apt-get install softhsm2 opensc' failed; install them manually."
fi
command -v softhsm2-util >/dev/null 2>&1 || die "softhsm2-util still missing after install (package softhsm2)."
[ -e "$softhsm_lib" ] || die "$softhsm_lib still missing after install (package softhsm2)."

# npm_install DIR MARKER: installs DIR's pinned dependencies when MARKER (a file under DIR) is missing
# or older than the manifest/lock.
npm_install() {
  local dir="$1" marker="$1/$2"
  if [ -e "$marker" ] && [ "$marker" -nt "$dir/package.json" ] \
     && { [ ! -e "$dir/package-lock.json" ] || [ "$marker" -nt "$dir/package-lock.json" ]; }; then
    return 0
  fi
  log "installing npm dependencies in ${dir#"$repo"/}"
  local cmd=install
  [ -e "$dir/package-lock.json" ] && cmd=ci
  (cd "$dir" && npm "$cmd" --no-audit --no-fund --loglevel=error) \
    || die "'npm $cmd' failed in $dir; check that the npm registry is reachable."
  [ -e "$marker" ] || die "npm $cmd in $dir did not produce $marker"
  touch "$marker"
}

npm_install "$here" node_modules/.bin/azurite-table
if [ "${1:-}" = "--tests" ]; then
  npm_install "$repo/tests/e2e-node" node_modules/@azure/keyvault-keys/package.json
fi
