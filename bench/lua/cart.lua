-- The cart of a rotating caller: guest carts (BENCH_GUEST_CARTS, X-Guest-Cart-ID) or
-- users (BENCH_TOKENS, bearer). With BENCH_METHOD=PATCH, sets the quantity of a product
-- (rotating over BENCH_PRODUCTS) to 1, 2 or 3.
local lib = dofile("lib.lua")
local method = os.getenv("BENCH_METHOD") or "GET"
local header, next_caller
if os.getenv("BENCH_TOKENS") then
  header, next_caller = "Authorization", lib.rotation(lib.lines("BENCH_TOKENS"))
else
  header, next_caller = "X-Guest-Cart-ID", lib.rotation(lib.lines("BENCH_GUEST_CARTS"))
end
local next_product = method == "PATCH" and lib.rotation(lib.lines("BENCH_PRODUCTS"))
local count = 0

function request()
  local caller = next_caller()
  local value = header == "Authorization" and ("Bearer " .. caller) or caller
  local headers = {[header] = value, ["Accept-Language"] = "de"}
  if method ~= "PATCH" then
    return wrk.format("GET", "/api/cart", headers)
  end
  count = count + 1
  headers["Content-Type"] = "application/json"
  return wrk.format("PATCH", "/api/cart/item/" .. next_product(), headers,
                    string.format('{"quantity": %d}', count % 3 + 1))
end
