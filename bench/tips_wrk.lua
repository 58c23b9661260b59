-- wrk script: POST JSON tips to /api/v1/tips/ (issue #14's closed-loop figure).
--
--   wrk -t2 -c16 -d20s --latency -s bench/tips_wrk.lua http://127.0.0.1:8000
--
-- Every request is a different tip (a counter in the text and the plate); one in ten says a
-- minor is involved and one in twenty that someone is in danger (P1), as bench/tips_load.py does.
-- The server must run with the submission rate limit lifted (BEACON_RATE_TIP_SUBMIT=100000000/3600).
-- The summary line counts the answers that were not 201.

local counties = {"29095", "29510", "29189", "29077", "29019", "29201", "29001"}
local n = 0
local not_created = 0

request = function()
   n = n + 1
   local body = string.format(
      '{"narrative": "wrk tip %d: people kept at a motel, the ad gives 816 555 %04d and plate MO ABC%04d.", ' ..
      '"situation": "sex", "minor": %s, "danger": %s, "county": "%s"}',
      n, 100 + n % 100, 1000 + n % 9000, tostring(n % 10 == 0), tostring(n % 20 == 0),
      counties[n % #counties + 1])
   return wrk.format("POST", "/api/v1/tips/", {["Content-Type"] = "application/json"}, body)
end

response = function(status, headers, body)
   if status ~= 201 then
      not_created = not_created + 1
   end
end

done = function(summary, latency, requests)
   io.write(string.format("tips/s %.1f, p50 %.1f ms, p99 %.1f ms, non-201 answers (last thread) %d\n",
      summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
      latency:percentile(99) / 1000, not_created))
end
