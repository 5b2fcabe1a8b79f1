-- POST /api/applications with a valid body (each request stores one application).
dofile("bench/wrk/report.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"applicantName":"Bench Mark","email":"bench@example.com","amount":12000,"termMonths":36,'
    .. '"annualIncome":55000,"monthlyDebt":300}'
