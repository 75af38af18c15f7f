#!/usr/bin/env bash
# Serve the bot in the foreground: the action server, then the Rasa server on the newest
# trained model. Ctrl-C or SIGTERM stops both; if either one exits, the other is stopped too.
# `serve.sh rasa` or `serve.sh actions` serves only one of them (replicas run apart).
# BOT_PROFILE=production: endpoints.production.yml (PostgreSQL, Redis; settings from the
# environment), CORS_ORIGIN required, REST_TOKEN required (connectors/rest.py).
# Either profile: Rasa's HTTP API is on only with RASA_API_TOKEN and/or RASA_JWT_SECRET set.
set -u
cd "$(dirname "$0")/.."
SERVE=${1:-both}
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
export BOT_PROFILE=${BOT_PROFILE:-development}
[ "$BOT_PROFILE" = production ] && ENDPOINTS=${ENDPOINTS:-endpoints.production.yml}
ENDPOINTS=${ENDPOINTS:-endpoints.yml}
MODELS=${MODELS:-models}
export TF_CPP_MIN_LOG_LEVEL=3 PYTHONWARNINGS=ignore

pids=()
stop() {
  trap - INT TERM EXIT
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
  wait
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

rasa_args=()
if [ -n "${RASA_API_TOKEN:-}" ] || [ -n "${RASA_JWT_SECRET:-}" ]; then
  rasa_args+=(--enable-api)
  [ -n "${RASA_API_TOKEN:-}" ] && rasa_args+=(--auth-token "$RASA_API_TOKEN")
  [ -n "${RASA_JWT_SECRET:-}" ] && rasa_args+=(--jwt-secret "$RASA_JWT_SECRET")
fi
if [ "$BOT_PROFILE" = production ]; then
  if [ -z "${CORS_ORIGIN:-}" ]; then
    echo "BOT_PROFILE=production needs CORS_ORIGIN, the web widget's origin" \
      "(for example https://clinic.example)." >&2
    exit 2
  fi
  rasa_args+=(--cors "$CORS_ORIGIN")
fi
mkdir -p var  # the development profile's SQLite conversations (endpoints.yml)

if [ "$SERVE" != rasa ]; then
  .venv/bin/rasa run actions --actions actions --port "$ACTIONS_PORT" &
  pids+=($!)
fi
if [ "$SERVE" != actions ]; then
  .venv/bin/rasa run --model "$MODELS" --port "$RASA_PORT" --endpoints "$ENDPOINTS" \
    --credentials credentials.yml ${rasa_args[@]+"${rasa_args[@]}"} &
  pids+=($!)
fi
echo "Starting: Rasa on http://localhost:$RASA_PORT (REST: /webhooks/rest/webhook)," \
  "actions on http://localhost:$ACTIONS_PORT (/health). Ctrl-C stops both."
wait -n
