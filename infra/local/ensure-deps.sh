#!/usr/bin/env bash
# Installs what a local run or test run needs, idempotently; fails loudly with a hint otherwise.
# Usage: ensure-deps.sh [--tests]   (always: the portal's npm packages and its build; --tests also installs
# Debian's chromium for the portal tests, tests/e2e-node dependencies (among them playwright-core and the HCL parser
# @cdktf/hcl2json), the Bicep CLI under .local/tools for the infra checks, and pwsh + Pester for tests/PowerShell)
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

# apt_install PKG...: installs Debian packages (as root, or with sudo), failing with the command to run by hand.
apt_install() {
  local apt=(apt-get)
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "$* missing and not root: run 'sudo apt-get update && sudo apt-get install -y $*'."
    apt=(sudo apt-get)
  fi
  log "installing $* with apt-get"
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" update -qq \
    || die "'apt-get update' failed; install manually: apt-get update && apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq "$@" >/dev/null \
    || die "'apt-get install $*' failed; install them manually."
}

if ! command -v softhsm2-util >/dev/null 2>&1 || [ ! -e "$softhsm_lib" ] || ! command -v pkcs11-tool >/dev/null 2>&1; then
  apt_install softhsm2 opensc
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

# nuget_download ID VERSION: puts NuGet package ID VERSION under .local/tools/nuget/<id lower-case>/VERSION, restored
# through a throwaway project outside the repo (no central package management there).
nuget_download() {
  local id="$1" version="$2" tmp
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/nuget-download.XXXXXX")"
  cat > "$tmp/restore.csproj" <<EOF_PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="$id" Version="[$version]" />
  </ItemGroup>
</Project>
EOF_PROJ
  if ! dotnet restore "$tmp/restore.csproj" --packages "$repo/.local/tools/nuget" -nologo >"$tmp/restore.log" 2>&1; then
    cat "$tmp/restore.log" >&2
    rm -rf "$tmp"
    die "could not restore NuGet package $id $version; check that the NuGet feed is reachable ('dotnet nuget list source')."
  fi
  rm -rf "$tmp"
}

# ensure_bicep: the Bicep CLI (NuGet package Azure.Bicep.CommandLine.linux-x64, a self-contained binary) under .local/tools.
bicep_version=0.49.2
bicep_bin="$repo/.local/tools/nuget/azure.bicep.commandline.linux-x64/$bicep_version/tools/bicep"
ensure_bicep() {
  if [ -x "$bicep_bin" ] && "$bicep_bin" --version >/dev/null 2>&1; then return 0; fi
  [ "$(uname -m)" = x86_64 ] || die "the Bicep CLI package used here is linux-x64; on $(uname -m) install bicep yourself and set HSMVAULT_BICEP to its path."
  log "installing the Bicep CLI $bicep_version (NuGet Azure.Bicep.CommandLine.linux-x64)"
  nuget_download Azure.Bicep.CommandLine.linux-x64 "$bicep_version"
  [ -e "$bicep_bin" ] || die "the Bicep package restored but $bicep_bin is missing."
  chmod +x "$bicep_bin"
  "$bicep_bin" --version >/dev/null 2>&1 || die "$bicep_bin does not run (the .NET single-file binary needs libicu: 'apt-get install libicu72')."
}

# ensure_pwsh_and_pester: PowerShell 7.6.9 (the dotnet tool, in a tool path under .local, not global) and Pester 6.2.0
# (NuGet) for the module's tests in tests/PowerShell.
pwsh_version=7.6.9
pwsh_bin="$repo/.local/tools/pwsh/pwsh"
pester_version=6.2.0
pester_psd1="$repo/.local/tools/nuget/pester/$pester_version/tools/Pester.psd1"
ensure_pwsh_and_pester() {
  if ! [ -x "$pwsh_bin" ] || [ "$(POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off "$pwsh_bin" -NoProfile -NoLogo -Command '$PSVersionTable.PSVersion.ToString()' 2>/dev/null)" != "$pwsh_version" ]; then
    log "installing PowerShell $pwsh_version (dotnet tool) into .local/tools/pwsh"
    rm -rf "$repo/.local/tools/pwsh"
    dotnet tool install PowerShell --version "$pwsh_version" --tool-path "$repo/.local/tools/pwsh" >/dev/null \
      || die "'dotnet tool install PowerShell --version $pwsh_version' failed; check that the NuGet feed is reachable."
    [ -x "$pwsh_bin" ] || die "PowerShell installed but $pwsh_bin is missing."
  fi
  if ! [ -f "$pester_psd1" ]; then
    log "installing Pester $pester_version (NuGet) into .local/tools/nuget"
    nuget_download Pester "$pester_version"
    [ -f "$pester_psd1" ] || die "the Pester package restored but $pester_psd1 is missing."
  fi
}

npm_install "$here" node_modules/.bin/azurite-table
# The web portal (Preact and MSAL, bundled by esbuild) into portal/dist, which the app's build copies to its output folder portal/.
npm_install "$repo/portal" node_modules/@azure/msal-browser/package.json
(cd "$repo/portal" && node build.mjs >/dev/null) || die "building the portal failed: cd portal && node build.mjs"
if [ "${1:-}" = "--tests" ]; then
  npm_install "$repo/tests/e2e-node" node_modules/@cdktf/hcl2json/package.json
  [ -e "$repo/tests/e2e-node/node_modules/@azure/keyvault-keys/package.json" ] \
    || die "tests/e2e-node: @azure/keyvault-keys missing after npm ci."
  [ -e "$repo/tests/e2e-node/node_modules/playwright-core/package.json" ] \
    || die "tests/e2e-node: playwright-core missing after npm ci."
  # The portal's browser tests drive Debian's Chromium (playwright-core downloads no browser).
  [ -x /usr/bin/chromium ] || apt_install chromium
  /usr/bin/chromium --headless --no-sandbox --disable-gpu --version >/dev/null 2>&1 \
    || die "/usr/bin/chromium does not start; reinstall it: apt-get install --reinstall chromium"
  ensure_bicep
  ensure_pwsh_and_pester
fi
