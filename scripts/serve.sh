#!/usr/bin/env bash
# Serve the bot in the foreground: the action server, the Rasa server on the newest trained
# model, and the demo page with the chat widget. Ctrl-C, SIGTERM or the terminal closing
# (SIGHUP) stops them all; if any one exits, the others are stopped too. Each is started to get
# SIGTERM should this script itself die (`setpriv --pdeathsig`, util-linux).
# `serve.sh rasa` or `serve.sh actions` serves only one of them (replicas run apart).
# BOT_PROFILE=production: endpoints.production.yml (PostgreSQL, Redis; settings from the
# environment); WIDGET_ORIGINS, REST_TOKEN and SOCKETIO_SESSION_SECRET are required.
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
export WEB_PORT=${WEB_PORT:-8080} RASA_PORT
export TF_CPP_MIN_LOG_LEVEL=3
# One TensorFlow thread per operation: DIET's small matrices gain nothing from more, and on a
# few cores extra threads compete with the action server (`make bench`: more turns/s).
export TF_INTRA_OP_PARALLELISM_THREADS=${TF_INTRA_OP_PARALLELISM_THREADS:-1}
export TF_INTER_OP_PARALLELISM_THREADS=${TF_INTER_OP_PARALLELISM_THREADS:-1}
mkdir -p var  # the development profile's SQLite conversations (endpoints.yml)
source scripts/children.sh  # tied, pids, stop_children

rasa_args=()
if [ -n "${RASA_API_TOKEN:-}" ] || [ -n "${RASA_JWT_SECRET:-}" ]; then
  rasa_args+=(--enable-api)
  [ -n "${RASA_API_TOKEN:-}" ] && rasa_args+=(--auth-token "$RASA_API_TOKEN")
  [ -n "${RASA_JWT_SECRET:-}" ] && rasa_args+=(--jwt-secret "$RASA_JWT_SECRET")
fi
if [ "$BOT_PROFILE" = production ]; then
  if [ -z "${WIDGET_ORIGINS:-}" ]; then
    echo "BOT_PROFILE=production needs WIDGET_ORIGINS, the web widget's origins" \
      "(for example https://clinic.example)." >&2
    exit 2
  fi
  IFS=', ' read -r -a origins <<<"$WIDGET_ORIGINS"
  rasa_args+=(--cors "${origins[@]}")
elif [ -z "${SOCKETIO_SESSION_SECRET:-}" ]; then
  # Development: a signing secret kept beside the conversations, so a widget's session
  # survives a restart as its conversation does. Production takes it from the environment.
  [ -s var/session_secret ] || (umask 077 && .venv/bin/python -c \
    'import secrets; print(secrets.token_hex(32))' >var/session_secret)
  SOCKETIO_SESSION_SECRET=$(cat var/session_secret)
  export SOCKETIO_SESSION_SECRET
fi

# Only the channels whose secrets are set (connectors/live_channels.py); says which are live.
credentials="${TMPDIR:-/tmp}/cervix-bot-credentials-$$.yml"
if [ "$SERVE" != actions ]; then
  .venv/bin/python -m connectors.live_channels credentials.yml "$credentials" || exit 1
fi

stop() {
  trap - HUP INT TERM EXIT
  stop_children
  rm -f "$credentials"
}
trap 'stop; exit 129' HUP
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

if [ "$SERVE" != rasa ]; then
  ${tied[@]+"${tied[@]}"} .venv/bin/python -m serving run actions --actions actions --port "$ACTIONS_PORT" &
  pids+=($!)
  echo "Actions on http://localhost:$ACTIONS_PORT (/health)."
fi
if [ "$SERVE" != actions ]; then
  # Through the project's entry point: it applies the Rasa patches (serving/rasa_patches.py).
  ${tied[@]+"${tied[@]}"} .venv/bin/python -m serving run --model "$MODELS" --port "$RASA_PORT" --endpoints "$ENDPOINTS" \
    --credentials "$credentials" ${rasa_args[@]+"${rasa_args[@]}"} &
  pids+=($!)
  echo "Rasa on http://localhost:$RASA_PORT (REST: /webhooks/rest/webhook)."
fi
if [ "$SERVE" = both ]; then
  ${tied[@]+"${tied[@]}"} .venv/bin/python web/server.py &
  pids+=($!)
  echo "Web widget demo page: http://localhost:$WEB_PORT"
fi
echo "Starting; Ctrl-C stops everything."
wait -n
