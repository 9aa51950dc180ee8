-- POST /api/payments (checkout of the cart) as rotating customers (BENCH_TOKENS); each
-- checkout replaces the customer's previous pending payment.
local lib = dofile("lib.lua")
local next_customer = lib.rotation(lib.lines("BENCH_TOKENS"))

function request()
  return wrk.format("POST", "/api/payments", {Authorization = "Bearer " .. next_customer()})
end
