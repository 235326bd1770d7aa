-- wrk: each thread (one connection) opens the answer form of its own organisation, as the
-- respondent for all of them (a bearer token reaches the pages as it reaches the API).
counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  path = "/omgangar/2025/svar/bench-" .. id
  wrk.headers["Authorization"] = "Bearer " .. args[1]
end

function request()
  return wrk.format("GET", path)
end
