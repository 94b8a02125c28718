-- wrk script for HsmVault: one Key Vault REST request, repeated, with a real bearer token.
-- Environment: BENCH_TOKEN (access token), BENCH_METHOD (POST/PUT/GET, default POST),
-- BENCH_BODY_FILE (JSON body, optional), BENCH_DELAY_MS (pause per connection between requests, optional:
-- used to hold a connection count below saturation for the "p99 at ~80% of peak" runs).
-- The URL (path + ?api-version=...) is wrk's argument. done() prints one "BENCHJSON {...}" line for run.sh.
local token = os.getenv("BENCH_TOKEN") or error("BENCH_TOKEN not set")
local body_file = os.getenv("BENCH_BODY_FILE")
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")

wrk.method = os.getenv("BENCH_METHOD") or "POST"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Accept"] = "application/json"
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
end

if delay_ms > 0 then
  delay = function() return delay_ms end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"mean_us":%.1f,"errors_status":%d,"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_timeout":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.status, e.connect, e.read, e.write, e.timeout))
end
