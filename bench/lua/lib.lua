-- Shared by the scenario scripts (wrk runs them with bench/lua as working directory).
-- Values to rotate through come from files named by environment variables, one per
-- line; every response's status is counted and printed as one JSON line at the end.
local lib = {}

function lib.lines(variable)
  local path = os.getenv(variable)
  assert(path, variable .. " is not set")
  local values = {}
  for line in io.lines(path) do
    if line ~= "" then values[#values + 1] = line end
  end
  assert(#values > 0, path .. " is empty")
  return values
end

-- next value of a rotation: each request takes the following line, wrapping around
function lib.rotation(values)
  local position = 0
  return function()
    position = position % #values + 1
    return values[position]
  end
end

statuses = {}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(totals) do
    parts[#parts + 1] = string.format('"%d": %d', status, count)
  end
  io.write("BENCH_STATUSES {" .. table.concat(parts, ", ") .. "}\n")
end

return lib
