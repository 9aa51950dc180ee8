-- GET a fixed path (BENCH_PATH) with optional Accept-Language (BENCH_LOCALE).
dofile("lib.lua")  -- counts the statuses
wrk.path = os.getenv("BENCH_PATH") or "/"
local locale = os.getenv("BENCH_LOCALE")
if locale then wrk.headers["Accept-Language"] = locale end
