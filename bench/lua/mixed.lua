-- The memory run: product list, product detail, guest cart and gate look-ups in turn.
local lib = dofile("lib.lua")
local next_product = lib.rotation(lib.lines("BENCH_PRODUCTS"))
local next_cart = lib.rotation(lib.lines("BENCH_GUEST_CARTS"))
local next_ticket = lib.rotation(lib.lines("BENCH_TICKETS"))
local next_employee = lib.rotation(lib.lines("BENCH_TOKENS"))
local turn = 0

function request()
  turn = turn % 4 + 1
  local de = {["Accept-Language"] = "de"}
  if turn == 1 then return wrk.format("GET", "/api/products?per_page=20", de) end
  if turn == 2 then return wrk.format("GET", "/api/products/" .. next_product(), de) end
  if turn == 3 then
    return wrk.format("GET", "/api/cart", {["X-Guest-Cart-ID"] = next_cart()})
  end
  return wrk.format("GET", "/api/tickets/scan/" .. next_ticket(),
                    {Authorization = "Bearer " .. next_employee()})
end

