-- A GET at a fixed rate, not at saturation: each connection waits BENCH_DELAY_MS (default 20) before each request
-- (wrk's delay hook), so connections x 1000 / delay bounds the rate: 10 connections, 20 ms -> at most 500 req/s.
-- Reported as JSON like the other scripts; the achieved rate is in "rps".
local gap = tonumber(os.getenv("BENCH_DELAY_MS") or "20")
function delay()
    return gap
end
dofile("bench/wrk/report.lua")
