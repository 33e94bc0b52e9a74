-- wrk: each request asks for a random 1 MiB range of a file of SIZE bytes (env), aligned
-- to 1 MiB, as a video player seeking through a large file would.
local size = tonumber(os.getenv("SIZE"))
local mebibyte = 1048576
local blocks = math.floor(size / mebibyte)

request = function()
  local first = math.random(0, blocks - 1) * mebibyte
  return wrk.format("GET", nil, { ["Range"] = "bytes=" .. first .. "-" .. (first + mebibyte - 1) })
end
