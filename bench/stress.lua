-- wrk script for bench/stress.py: rotate over the reader pages, count answers >= 500 and
-- print one machine-readable summary line at the end.
-- The pages come from the environment: STRESS_PATHS="/de/ /de/linkedin/x/ ...".

local paths = {}
for path in string.gmatch(os.getenv("STRESS_PATHS") or "/", "%S+") do
  table.insert(paths, path)
end

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  counter = id
  server_errors = 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
  if status >= 500 then
    server_errors = server_errors + 1
  end
end

function done(summary, latency, requests)
  local server_error_total = 0
  for _, thread in ipairs(threads) do
    server_error_total = server_error_total + thread:get("server_errors")
  end
  local errors = summary.errors
  io.write(string.format(
    "STRESS requests=%d seconds=%.3f p99_ms=%.1f server_errors=%d non_2xx_3xx=%d " ..
    "socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(99) / 1000,
    server_error_total, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout
  ))
end
