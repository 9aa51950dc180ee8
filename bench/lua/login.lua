-- POST /api/auth/login for rotating seeded accounts (BENCH_LOGINS), one shared password.
local lib = dofile("lib.lua")
local next_email = lib.rotation(lib.lines("BENCH_LOGINS"))
local password = os.getenv("BENCH_PASSWORD")

function request()
  return wrk.format("POST", "/api/auth/login", {["Content-Type"] = "application/json"},
                    string.format('{"email": "%s", "password": "%s"}', next_email(), password))
end
