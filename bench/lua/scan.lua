-- The gate: GET or POST (BENCH_METHOD) /api/tickets/scan/<token>, the ticket tokens
-- rotating over BENCH_TICKETS (fresh ones: each POST admits a new ticket), as the
-- employees of BENCH_TOKENS in turn.
local lib = dofile("lib.lua")
local method = os.getenv("BENCH_METHOD") or "GET"
local next_ticket = lib.rotation(lib.lines("BENCH_TICKETS"))
local next_employee = lib.rotation(lib.lines("BENCH_TOKENS"))

function request()
  return wrk.format(method, "/api/tickets/scan/" .. next_ticket(),
                    {Authorization = "Bearer " .. next_employee()})
end
