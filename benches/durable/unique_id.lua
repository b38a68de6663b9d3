-- wrk: POST a durable_hook body with a unique Webhook-Id on every request (no deduplication).
-- `thread_index` is a global: `setup` runs in wrk's main Lua state and sets each thread's own
-- global; a `local` at the top would shadow it in the threads' states, where every thread then
-- read 0, and the threads sent the same keys (half of the requests were duplicates).
thread_index = 0

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
