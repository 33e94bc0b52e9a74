-- wrk script: POST /v1/transactions/transfer of 1 minor unit between two random,
-- different wallets read from WALLETS (a file, one id a line), each request with its own
-- Idempotency-Key.
local wallets = {}
for line in io.lines(os.getenv("WALLETS")) do wallets[#wallets + 1] = line end
local key = os.getenv("KEY")
local counter = 0
local thread_tag = ""

-- Each wrk thread gets its own number, and each run its own RUN tag, so keys never repeat.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("number", threads)
end

function init(args)
  thread_tag = (os.getenv("RUN") or "run") .. "-" .. tostring(number)
  math.randomseed(os.time() * 100 + number)
end

function request()
  counter = counter + 1
  local from = math.random(1, #wallets)
  local to = math.random(1, #wallets - 1)
  if to >= from then to = to + 1 end
  local body = '{"fromWalletId":"' .. wallets[from] .. '","toWalletId":"' .. wallets[to] .. '","amount":1}'
  return wrk.format("POST", "/v1/transactions/transfer", {
    ["Authorization"] = "Bearer " .. key,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-" .. thread_tag .. "-" .. counter,
  }, body)
end

function done(summary, latency, requests)
  io.write(string.format("non2xx %d\n", summary.errors.status))
end
