#!/usr/bin/env bash
# Schemathesis over the whole API (bounded): a production-mode server on a seeded
# throw-away database, fuzzed as a board admin and as a reviewer. Fails on any server
# error (5xx) or any response that contradicts the published OpenAPI schema.
# Each user works in a fixed board (X-Paktwerk-Board is sent, not fuzzed) and every
# `{id}` is pinned to a row the user can see (scripts/schemathesis_config.py), so the
# operations run their bodies instead of answering 403/404; funding operations get
# ST_FUNDING_EXAMPLES examples (issue 11, point 10).
#
#   scripts/schemathesis.sh                  # SQLite in a temp dir
#   DATABASE_URL=postgres://... scripts/schemathesis.sh
#   ST_MAX_EXAMPLES=20 ST_FUNDING_EXAMPLES=40 ST_MAX_TIME=240 ST_PORT=8765 scripts/schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ST=.venv/bin/schemathesis
PORT=${ST_PORT:-8765}
export ST_MAX_EXAMPLES=${ST_MAX_EXAMPLES:-10} ST_FUNDING_EXAMPLES=${ST_FUNDING_EXAMPLES:-25}
MAX_TIME=${ST_MAX_TIME:-120}     # seconds per user
WORKDIR=$(mktemp -d)
export DATABASE_URL=${DATABASE_URL:-sqlite:///$WORKDIR/schemathesis.sqlite3}
export DEBUG=0 SECRET_KEY=schemathesis-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
export MEDIA_ROOT=$WORKDIR/media TASKS_IMMEDIATE=1 AXES_ENABLED=0
export API_THROTTLE_USER=100000/min API_THROTTLE_ANON=100000/min API_THROTTLE_TOKEN=100000/min
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$WORKDIR"
}
trap cleanup EXIT

if [[ "$DATABASE_URL" == postgres* ]]; then
  $PY manage.py flush --noinput >/dev/null 2>&1 || true
fi
$PY manage.py migrate --noinput >/dev/null
$PY manage.py seed_demo --reset >/dev/null
# per user: "<token> <board id> <decoy token id>" (the decoy is what the run may revoke)
user_setup() {
  $PY manage.py shell -c "
from django.contrib.auth import get_user_model
from core.tenancy import access_for
from core.tokens import token_issue
user = get_user_model().objects.get(username='$1')
key = token_issue(user=user, name='schemathesis')[1]
decoy = token_issue(user=user, name='schemathesis decoy')[0]
print(key, min(access_for(user).board_ids), decoy.pk)
" | tail -n 1
}
ADMIN_SETUP=$(user_setup traeger)
REVIEWER_SETUP=$(user_setup pruefer)

$PY manage.py runserver "127.0.0.1:$PORT" --noreload --insecure >"$WORKDIR/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz/" 2>/dev/null && break
  sleep 1
done

status=0
for who in "admin:$ADMIN_SETUP" "reviewer:$REVIEWER_SETUP"; do
  name=${who%%:*}; read -r token board decoy <<<"${who#*:}"
  config="$WORKDIR/schemathesis-$name.toml"
  $PY scripts/schemathesis_config.py "http://127.0.0.1:$PORT" "$token" "$board" "$decoy" "$config"
  echo "== schemathesis as $name in board $board (max $ST_MAX_EXAMPLES examples per operation," \
    "$ST_FUNDING_EXAMPLES for funding, ${MAX_TIME}s) =="
  $ST --config-file "$config" run "http://127.0.0.1:$PORT/api/schema/?format=json" \
    --url "http://127.0.0.1:$PORT" \
    -H "Authorization: Token $token" -H "X-Paktwerk-Board: $board" \
    --checks not_a_server_error,response_schema_conformance \
    --max-time "$MAX_TIME" \
    --phases examples,coverage,fuzzing \
    --workers 2 --seed 17 --no-color \
    --generation-database none \
    --suppress-health-check all \
    --request-timeout 30 || status=1
done
if [ $status -ne 0 ]; then
  echo "---- server log (tail) ----"; tail -n 80 "$WORKDIR/server.log"
fi
exit $status
