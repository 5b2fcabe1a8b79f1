-- A plain GET, reported as JSON.
dofile("bench/wrk/report.lua")
