-- GET /api/products/<id>, the id rotating over the active products, in German.
local lib = dofile("lib.lua")
local next_id = lib.rotation(lib.lines("BENCH_PRODUCTS"))

function request()
  return wrk.format("GET", "/api/products/" .. next_id(), {["Accept-Language"] = "de"})
end
