-- wrk script: cycles through the request list given as REQUESTS (file of query strings) with PREFIX (path + '?').
local lines = {}
local i = 0
init = function(args)
  local f = assert(io.open(os.getenv("REQUESTS"), "r"))
  for l in f:lines() do lines[#lines + 1] = l end
  f:close()
  i = math.random(#lines)
end
request = function()
  i = i % #lines + 1
  return wrk.format("GET", os.getenv("PREFIX") .. lines[i])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d bytes_per_req=%.0f\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.bytes / math.max(summary.requests, 1)))
end
