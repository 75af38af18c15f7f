#!/usr/bin/env bash
# Talk to the bot in the terminal: the action server in the background, `rasa shell` in front.
# However the shell ends (/stop, Ctrl-C, the terminal closing), the action server goes too.
set -u
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=3 PYTHONWARNINGS=ignore
log="${TMPDIR:-/tmp}/cervix-bot-actions.log"
# Rasa reads every channel's credentials even for the shell: keep those whose secrets are set.
credentials="${TMPDIR:-/tmp}/cervix-bot-shell-credentials-$$.yml"
.venv/bin/python -m connectors.live_channels credentials.yml "$credentials" >/dev/null || exit 1
.venv/bin/rasa run actions --actions actions --port "${ACTIONS_PORT:-5055}" >"$log" 2>&1 &
actions=$!
trap 'kill $actions 2>/dev/null; wait $actions 2>/dev/null; rm -f "$credentials"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
echo "Action server log: $log"
mkdir -p var  # endpoints.yml keeps conversations in var/conversations.db
.venv/bin/rasa shell --endpoints "${ENDPOINTS:-endpoints.yml}" --port "${RASA_PORT:-5005}" \
  --model "${MODELS:-models}" --credentials "$credentials"
