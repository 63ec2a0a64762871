#!/usr/bin/env bash
# Schemathesis over the whole API (bounded): a production-mode server on a seeded
# throw-away database, fuzzed as a board admin and as a reviewer. Fails on any server
# error (5xx) or any response that contradicts the published OpenAPI schema.
#
#   scripts/schemathesis.sh                  # SQLite in a temp dir
#   DATABASE_URL=postgres://... scripts/schemathesis.sh
#   ST_MAX_EXAMPLES=20 ST_MAX_TIME=240 ST_PORT=8765 scripts/schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ST=.venv/bin/schemathesis
PORT=${ST_PORT:-8765}
MAX_EXAMPLES=${ST_MAX_EXAMPLES:-15}
MAX_TIME=${ST_MAX_TIME:-150}     # seconds per user
WORKDIR=$(mktemp -d)
export DATABASE_URL=${DATABASE_URL:-sqlite:///$WORKDIR/schemathesis.sqlite3}
export DEBUG=0 SECRET_KEY=schemathesis-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
export MEDIA_ROOT=$WORKDIR/media TASKS_IMMEDIATE=1 AXES_ENABLED=0
export API_THROTTLE_USER=100000/min API_THROTTLE_ANON=100000/min
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
token_for() {
  $PY manage.py shell -c "
from django.contrib.auth import get_user_model
from core.tokens import token_issue
print(token_issue(user=get_user_model().objects.get(username='$1'), name='schemathesis')[1])
"
}
ADMIN_TOKEN=$(token_for traeger | tail -n 1 | tr -d "[:space:]")
REVIEWER_TOKEN=$(token_for pruefer | tail -n 1 | tr -d "[:space:]")

$PY manage.py runserver "127.0.0.1:$PORT" --noreload --insecure >"$WORKDIR/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz/" 2>/dev/null && break
  sleep 1
done

status=0
for who in "admin:$ADMIN_TOKEN" "reviewer:$REVIEWER_TOKEN"; do
  name=${who%%:*}; token=${who#*:}
  echo "== schemathesis as $name (max $MAX_EXAMPLES examples per operation, ${MAX_TIME}s) =="
  $ST run "http://127.0.0.1:$PORT/api/schema/?format=json" \
    --url "http://127.0.0.1:$PORT" \
    -H "Authorization: Token $token" \
    --checks not_a_server_error,response_schema_conformance \
    --max-examples "$MAX_EXAMPLES" --max-time "$MAX_TIME" \
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
