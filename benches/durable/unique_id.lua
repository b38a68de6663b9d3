-- wrk: POST a durable_hook body with a unique Webhook-Id on every request (no deduplication).
local thread_index = 0

function setup(thread)
  thread:set("thread_index", thread_index)
  thread_index = thread_index + 1
end

local counter = 0
local run = tostring(os.time())

function request()
  counter = counter + 1
  local key = run .. "-" .. thread_index .. "-" .. counter
  local headers = { ["Content-Type"] = "application/json", ["Webhook-Id"] = key }
  return wrk.format("POST", wrk.path, headers, '{"key":"' .. key .. '"}')
end
