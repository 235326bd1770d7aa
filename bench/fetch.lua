-- wrk: each thread (one connection) fetches its own organisation's response: the API's view, or
-- with FETCH_PATH=/omgangar/2025/svar/bench- the answer form's page.
counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  path = (os.getenv("FETCH_PATH") or "/api/v1/rounds/2025/responses/bench-") .. id
  wrk.headers["Authorization"] = "Bearer " .. args[1]
end

function request()
  return wrk.format("GET", path)
end
