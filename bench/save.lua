-- wrk: each thread (one connection) saves one answer of its own organisation again and again,
-- carrying the version the previous save returned, as a respondent's browser does.
counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  path = "/api/v1/rounds/2025/responses/bench-" .. id .. "/answers/" .. args[2]
  version = 0
  n = 0
  wrk.headers["Authorization"] = "Bearer " .. args[1]
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  local answer = (n % 2 == 0) and "ja" or "nej"
  local body = string.format('{"answer":"%s","comment":"Mätning nr %d","version":%d}', answer, n, version)
  return wrk.format("PUT", path, nil, body)
end

function response(status, headers, body)
  -- A saved answer carries its new version; a conflict carries the current one first.
  local v = body:match('"version":(%d+)')
  if v then version = tonumber(v) end
end
