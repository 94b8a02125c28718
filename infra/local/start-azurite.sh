#!/usr/bin/env bash
# Starts Azurite's Table service on 127.0.0.1:PORT and its Blob service (audit segments) on 127.0.0.1:BLOB_PORT
# (env AZURITE_BLOB_PORT, default PORT-2, i.e. 10000 beside 10002) with data/logs under DIR; waits until both answer.
# Usage: start-azurite.sh DIR PORT [--in-memory]
# Writes DIR/azurite.pid and DIR/azurite-blob.pid (stop both with stop-azurite.sh DIR), logs to DIR/azurite*.log.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 DIR PORT [--in-memory]" >&2; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="$1" port="$2" mode="${3:-}"
blob_port="${AZURITE_BLOB_PORT:-$((port - 2))}"
bin="$here/node_modules/.bin/azurite-table"
blob_bin="$here/node_modules/.bin/azurite-blob"
for b in "$bin" "$blob_bin"; do
  [ -x "$b" ] || { echo "start-azurite: ERROR: $b missing; run 'bash infra/local/ensure-deps.sh' first" >&2; exit 1; }
done

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
for p in "$port" "$blob_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "start-azurite: ERROR: 127.0.0.1:$p is already in use" >&2; exit 1
  fi
done

common=(--skipApiVersionCheck --loose --disableTelemetry)
# Azurite refuses --location together with --inMemoryPersistence; cwd=DIR keeps any stray files there.
if [ "$mode" = "--in-memory" ]; then common+=(--inMemoryPersistence); else common+=(--location "$dir"); fi

wait_s="${AZURITE_START_TIMEOUT:-30}"
# start NAME BIN PORT ARGS...: starts one Azurite service, writes DIR/NAME.pid, waits until it answers (AZURITE_START_TIMEOUT, 30 s).
start() {
  local name="$1" exe="$2" p="$3"; shift 3
  (cd "$dir" && exec nohup "$exe" "$@" "${common[@]}" >"$dir/$name.log" 2>&1 </dev/null) &
  local pid=$!
  echo "$pid" > "$dir/$name.pid"
  for _ in $(seq 1 $((wait_s * 5))); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "start-azurite: $name on http://127.0.0.1:$p (pid $pid)" >&2
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  local why
  if kill -0 "$pid" 2>/dev/null; then why="did not answer on 127.0.0.1:$p within $wait_s s"; else why="exited"; fi
  echo "start-azurite: ERROR: $name $why; log tail ($dir/$name.log):" >&2
  tail -n 30 "$dir/$name.log" >&2 || true
  kill "$pid" 2>/dev/null || true
  rm -f "$dir/$name.pid"
  return 1
}
start azurite "$bin" "$port" --tableHost 127.0.0.1 --tablePort "$port" || exit 1
start azurite-blob "$blob_bin" "$blob_port" --blobHost 127.0.0.1 --blobPort "$blob_port" \
  || { bash "$here/stop-pid.sh" "$dir/azurite.pid"; exit 1; }
