#!/usr/bin/env bash
# Serve the bot in the foreground: the action server, then the Rasa server on the newest
# trained model, and the demo page with the chat widget. Ctrl-C or SIGTERM stops them all; if
# any one exits, the others are stopped too.
set -u
cd "$(dirname "$0")/.."
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
ENDPOINTS=${ENDPOINTS:-endpoints.yml}
MODELS=${MODELS:-models}
export WEB_PORT=${WEB_PORT:-8080} RASA_PORT
# Only the channels whose secrets are set (connectors/live_channels.py); says which are live.
credentials="${TMPDIR:-/tmp}/cervix-bot-credentials-$$.yml"
.venv/bin/python -m connectors.live_channels credentials.yml "$credentials" || exit 1
export TF_CPP_MIN_LOG_LEVEL=3 PYTHONWARNINGS=ignore

pids=()
stop() {
  trap - INT TERM EXIT
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
  wait
  rm -f "$credentials"
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

.venv/bin/rasa run actions --actions actions --port "$ACTIONS_PORT" &
pids+=($!)
.venv/bin/rasa run --model "$MODELS" --port "$RASA_PORT" --endpoints "$ENDPOINTS" \
  --credentials "$credentials" &
pids+=($!)
.venv/bin/python web/server.py &
pids+=($!)
echo "Starting: Rasa on http://localhost:$RASA_PORT (REST: /webhooks/rest/webhook)," \
  "actions on http://localhost:$ACTIONS_PORT (/health). Ctrl-C stops both."
echo "Web widget demo page: http://localhost:$WEB_PORT"
wait -n
