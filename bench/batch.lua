-- wrk: each thread (one connection) saves its organisation's whole response (every question)
-- in one request, carrying the versions the previous save returned.
counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  path = "/api/v1/rounds/2025/responses/bench-" .. id .. "/answers"
  questions = {}
  versions = {}
  for i = 2, #args do
    questions[#questions + 1] = args[i]
    versions[#versions + 1] = 0
  end
  n = 0
  wrk.headers["Authorization"] = "Bearer " .. args[1]
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  local items = {}
  for i, question in ipairs(questions) do
    local answer = ((n + i) % 3 == 0) and "nej" or "ja"
    items[i] = string.format('{"question":"%s","answer":"%s","comment":"Kommentar %d","version":%d}', question, answer, n, versions[i])
  end
  return wrk.format("PUT", path, nil, '{"answers":[' .. table.concat(items, ",") .. ']}')
end

function response(status, headers, body)
  if status == 200 then
    local i = 1
    for v in body:gmatch('"version":(%d+)') do
      versions[i] = tonumber(v)
      i = i + 1
    end
  else
    -- A conflict names the question (index) and carries its current version: take it over.
    local index = body:match('"index":(%d+)')
    local current = body:match('"current":{[^}]*"version":(%d+)')
    if index and current then versions[tonumber(index) + 1] = tonumber(current) end
  end
end
