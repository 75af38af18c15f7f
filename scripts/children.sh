# Sourced by serve.sh and shell.sh: the servers they start, tied to them, and how to stop them.
# `tied` prefixes a command so that it gets SIGTERM should the script itself die, however it
# dies (`setpriv --pdeathsig`, util-linux); scripts add each server's pid to `pids`.
tied=()
command -v setpriv >/dev/null && tied=(setpriv --pdeathsig TERM --)
pids=()

# SIGTERM to each server, SIGKILL to whatever is still running 20 s later.
stop_children() {
  [ ${#pids[@]} -gt 0 ] || return 0
  kill "${pids[@]}" 2>/dev/null
  local pid tries=40
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ $((tries -= 1)) -gt 0 ]; do sleep 0.5; done
  done
  kill -KILL "${pids[@]}" 2>/dev/null
  wait
}
