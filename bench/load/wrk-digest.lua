-- wrk script for bench/load/wrk.ts: requests carrying precomputed Authorization values,
-- so wrk does no hashing while it measures. Configured through the environment:
--
--   WRK_DIGEST_METHOD, WRK_DIGEST_PATH, WRK_DIGEST_BODY (optional), WRK_DIGEST_EXPECT
--   WRK_DIGEST_LINES  the lines file; unset: no Authorization at all (the bare ceiling)
--   WRK_DIGEST_INDEX  one "offset count" line per thread: that thread's own slice
--   WRK_DIGEST_PACE_MS  milliseconds each connection waits before its next request (0: none)
--
-- A thread never reads another's slice and never rereads its own, so each (nonce, nc) is
-- sent at most once. When a slice runs out the thread counts it, stops, and its last
-- request goes without Authorization (a 401, counted): a run is never padded by replays.
-- done() prints one line, "wrk-digest {json}", that wrk.ts parses.

local method = os.getenv("WRK_DIGEST_METHOD") or "GET"
local path = os.getenv("WRK_DIGEST_PATH") or wrk.path
local body = os.getenv("WRK_DIGEST_BODY")
local expect = tonumber(os.getenv("WRK_DIGEST_EXPECT") or "200")
local lines_file = os.getenv("WRK_DIGEST_LINES")
local index_file = os.getenv("WRK_DIGEST_INDEX")
local PLACEHOLDER = "@AUTHORIZATION@"
local pace_ms = tonumber(os.getenv("WRK_DIGEST_PACE_MS") or "0")

-- Defined only when pacing: wrk then waits this long before each request on a connection.
if pace_ms > 0 then
  function delay() return pace_ms end
end

-- Setup and done run in wrk's main Lua state.
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads)
  threads[#threads + 1] = thread
end

-- Everything below runs in each thread's own state. Globals, so done() can read them.
statuses = {}   -- status code -> count, for every status but the expected one
stale = 0       -- 401s saying stale=true
exhausted = 0   -- requests sent without Authorization because the slice ran out

local plain, prefix, suffix
local file, left

local function slice_of(id)
  local n = 0
  for line in io.lines(index_file) do
    if n == id then
      local offset, count = line:match("^(%d+) (%d+)$")
      return tonumber(offset), tonumber(count)
    end
    n = n + 1
  end
  error("no slice for thread " .. id .. " in " .. index_file)
end

function init(args)
  local function headers()
    local h = { Accept = "application/json" }
    if body then h["Content-Type"] = "application/json" end
    return h
  end
  plain = wrk.format(method, path, headers(), body)
  if not lines_file then return end
  local h = headers()
  h.Authorization = PLACEHOLDER
  local template = wrk.format(method, path, h, body)
  local at = template:find(PLACEHOLDER, 1, true)
  prefix, suffix = template:sub(1, at - 1), template:sub(at + #PLACEHOLDER)
  local offset
  offset, left = slice_of(thread_id)
  file = assert(io.open(lines_file, "rb"))
  assert(file:seek("set", offset))
end

function request()
  if not prefix then return plain end
  if left == 0 then
    exhausted = exhausted + 1
    wrk.thread:stop()
    return plain
  end
  left = left - 1
  -- Buffered by the C library: a memchr, no system call, for most lines.
  local line = assert(file:read("*l"), "lines file shorter than its index says")
  return prefix .. line .. suffix
end

function response(status, headers, _)
  if status == expect then return end
  statuses[status] = (statuses[status] or 0) + 1
  if status == 401 then
    for name, value in pairs(headers) do
      if name:lower() == "www-authenticate" and value:find("stale=true", 1, true) then
        stale = stale + 1
      end
    end
  end
end

function done(summary, latency, _)
  local codes, stale_total, exhausted_total = {}, 0, 0
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do
      codes[code] = (codes[code] or 0) + n
    end
    stale_total = stale_total + thread:get("stale")
    exhausted_total = exhausted_total + thread:get("exhausted")
  end
  local parts = {}
  for code, n in pairs(codes) do parts[#parts + 1] = string.format('"%d":%d', code, n) end
  local e = summary.errors
  io.write(string.format(
    'wrk-digest {"durationUs":%d,"requests":%d,"statuses":{%s},"stale":%d,"exhausted":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},' ..
    '"latencyUs":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.duration, summary.requests, table.concat(parts, ","), stale_total, exhausted_total,
    e.connect, e.read, e.write, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max))
end
