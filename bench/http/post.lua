-- wrk script: POST /v1/orders with a new order id for every request, so each one is a real
-- CREATED event (a repeated id would be answered from the idempotency check instead).
--   wrk -t1 -c32 -d6s -s bench/http/post.lua http://127.0.0.1:PORT
-- One Lua state per wrk thread: the prefix keeps threads (and runs) apart.
local counter = 0
local prefix

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  prefix = string.format("wrk-%d-%d", os.time(), math.random(1, 1000000000))
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"id":"%s-%d","customerId":%d,"state":"CREATED","product":"JUMPERS","quantity":1,"price":1.0}',
    prefix, counter, counter % 1000 + 1)
  return wrk.format("POST", "/v1/orders", {["Content-Type"] = "application/json"}, body)
end

-- wrk counts 4xx/5xx answers itself ("Non-2xx or 3xx responses"); a run that shows them
-- measured errors, not orders.
