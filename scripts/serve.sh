#!/usr/bin/env bash
# Serve the bot in the foreground: the action server, then the Rasa server on the newest
# trained model. Ctrl-C or SIGTERM stops both; if either one exits, the other is stopped too.
set -u
cd "$(dirname "$0")/.."
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
ENDPOINTS=${ENDPOINTS:-endpoints.yml}
MODELS=${MODELS:-models}
export TF_CPP_MIN_LOG_LEVEL=3 PYTHONWARNINGS=ignore
# One TensorFlow thread per operation: DIET's small matrices gain nothing from more, and on a
# few cores extra threads compete with the action server (`make bench`: more turns/s).
export TF_INTRA_OP_PARALLELISM_THREADS=${TF_INTRA_OP_PARALLELISM_THREADS:-1}
export TF_INTER_OP_PARALLELISM_THREADS=${TF_INTER_OP_PARALLELISM_THREADS:-1}

pids=()
stop() {
  trap - INT TERM EXIT
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
  wait
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

.venv/bin/rasa run actions --actions actions --port "$ACTIONS_PORT" &
pids+=($!)
.venv/bin/rasa run --model "$MODELS" --port "$RASA_PORT" --endpoints "$ENDPOINTS" \
  --credentials credentials.yml &
pids+=($!)
echo "Starting: Rasa on http://localhost:$RASA_PORT (REST: /webhooks/rest/webhook)," \
  "actions on http://localhost:$ACTIONS_PORT (/health). Ctrl-C stops both."
wait -n
