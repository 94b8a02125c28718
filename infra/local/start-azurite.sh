#!/usr/bin/env bash
# Starts Azurite's Table service on 127.0.0.1:PORT with data/logs under DIR and waits until it answers.
# Usage: start-azurite.sh DIR PORT [--in-memory]
# Writes DIR/azurite.pid (stop with stop-azurite.sh DIR) and logs to DIR/azurite.log.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 DIR PORT [--in-memory]" >&2; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="$1" port="$2" mode="${3:-}"
bin="$here/node_modules/.bin/azurite-table"
[ -x "$bin" ] || { echo "start-azurite: ERROR: $bin missing; run 'bash infra/local/ensure-deps.sh' first" >&2; exit 1; }

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "start-azurite: ERROR: 127.0.0.1:$port is already in use" >&2; exit 1
fi

args=(--tableHost 127.0.0.1 --tablePort "$port" --skipApiVersionCheck --loose --disableTelemetry)
# Azurite refuses --location together with --inMemoryPersistence; cwd=DIR keeps any stray files there.
if [ "$mode" = "--in-memory" ]; then args+=(--inMemoryPersistence); else args+=(--location "$dir"); fi
(cd "$dir" && exec nohup "$bin" "${args[@]}" >"$dir/azurite.log" 2>&1 </dev/null) &
pid=$!
echo "$pid" > "$dir/azurite.pid"

wait_s="${AZURITE_START_TIMEOUT:-30}"
for _ in $(seq 1 $((wait_s * 5))); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "start-azurite: Azurite Table service on http://127.0.0.1:$port (pid $pid)" >&2
    exit 0
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.2
done
if kill -0 "$pid" 2>/dev/null; then why="did not answer on 127.0.0.1:$port within $wait_s s"; else why="exited"; fi
echo "start-azurite: ERROR: Azurite $why; log tail ($dir/azurite.log):" >&2
tail -n 30 "$dir/azurite.log" >&2 || true
kill "$pid" 2>/dev/null || true
rm -f "$dir/azurite.pid"
exit 1
