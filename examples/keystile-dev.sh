# Sourced by the examples' `run` scripts (from the repository root): keystile on SQLite with the dev
# inbox at http://127.0.0.1:$KEYSTILE_PORT (default 8000), and a fresh project for the example.

KEYSTILE_PORT=${KEYSTILE_PORT:-8000}
export STYTCH_BASE_URL="http://127.0.0.1:${KEYSTILE_PORT}/"
# SQLite in .keystile/ and the dev inbox, whatever the caller's shell has configured.
unset KEYSTILE_DATABASE_URL KEYSTILE_SMTP_URL
export KEYSTILE_DEV_INBOX=true

# Serve keystile in the background unless one already answers on the port (e.g. `scripts/serve`);
# the one started here stops when the run script exits.
start_keystile() {
  if curl -fsS "${STYTCH_BASE_URL}healthz" >/dev/null 2>&1; then
    echo "using the keystile already running at $STYTCH_BASE_URL"
    return
  fi
  mkdir -p .keystile
  .venv/bin/keystile serve --port "$KEYSTILE_PORT" >>.keystile/examples.log 2>&1 &
  KEYSTILE_PID=$!
  trap 'kill "$KEYSTILE_PID" 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    if curl -fsS "${STYTCH_BASE_URL}healthz" >/dev/null 2>&1; then
      echo "keystile is serving at $STYTCH_BASE_URL (log: .keystile/examples.log)"
      return
    fi
    sleep 0.2
  done
  echo "keystile did not start; see .keystile/examples.log" >&2
  exit 1
}

# create_project NAME VERTICAL REDIRECT_URL: a new test project (the dev inbox shows test projects'
# mail); exports STYTCH_PROJECT_ID, STYTCH_SECRET and STYTCH_PUBLIC_TOKEN.
create_project() {
  local created
  created=$(.venv/bin/keystile projects create --name "$1" --vertical "$2" --environment test \
    --redirect-url "$3" --json)
  STYTCH_PROJECT_ID=$(.venv/bin/python -c 'import json, sys; print(json.load(sys.stdin)["project_id"])' <<<"$created")
  STYTCH_SECRET=$(.venv/bin/python -c 'import json, sys; print(json.load(sys.stdin)["secret"])' <<<"$created")
  STYTCH_PUBLIC_TOKEN=$(.venv/bin/python -c 'import json, sys; print(json.load(sys.stdin)["public_token"])' <<<"$created")
  export STYTCH_PROJECT_ID STYTCH_SECRET STYTCH_PUBLIC_TOKEN
  echo "created $2 project $STYTCH_PROJECT_ID (redirect URL $3)"
  echo "open the dev inbox at ${STYTCH_BASE_URL}dev/inbox?project_id=$STYTCH_PROJECT_ID"
  echo "  (the browser asks for the project's credentials: user name $STYTCH_PROJECT_ID, password $STYTCH_SECRET)"
}
