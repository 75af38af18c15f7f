#!/usr/bin/env bash
# Talk to the bot in the terminal: the action server in the background, `rasa shell` in front.
# However the shell ends (/stop, Ctrl-C, SIGTERM, the terminal closing), the action server
# goes too: the script waits on both, so a signal runs its trap at once (a foreground
# command would delay it), and each is started to get SIGTERM should the script itself die
# (`setpriv --pdeathsig`, util-linux).
set -u
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=3
source scripts/children.sh  # tied, pids, stop_children
log="${TMPDIR:-/tmp}/cervix-bot-actions.log"
# Rasa reads every channel's credentials even for the shell: keep those whose secrets are set.
credentials="${TMPDIR:-/tmp}/cervix-bot-shell-credentials-$$.yml"
.venv/bin/python -m connectors.live_channels credentials.yml "$credentials" >/dev/null || exit 1

stop() {
  trap - EXIT HUP INT TERM
  stop_children
  rm -f "$credentials"
}
trap stop EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

${tied[@]+"${tied[@]}"} .venv/bin/python -m serving run actions --actions actions \
  --port "${ACTIONS_PORT:-5055}" >"$log" 2>&1 &
pids+=($!)
echo "Action server log: $log"
mkdir -p var  # endpoints.yml keeps conversations in var/conversations.db
# Through the project's entry point: it applies the Rasa patches (serving/rasa_patches.py).
# In the background with the terminal as its input, so that this script waits on it.
exec 3<&0
${tied[@]+"${tied[@]}"} .venv/bin/python -m serving shell --endpoints "${ENDPOINTS:-endpoints.yml}" \
  --port "${RASA_PORT:-5005}" --model "${MODELS:-models}" --credentials "$credentials" <&3 &
pids+=($!)
exec 3<&-
wait "${pids[1]}"
