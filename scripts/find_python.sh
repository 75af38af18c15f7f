#!/usr/bin/env bash
# Print the path of a Python 3.8-3.10 for the project's venv: Rasa Open Source 3.6 runs on no
# later one. $PYTHON wins when set; otherwise python3.10/3.9/3.8 on PATH, then pyenv's.
set -u
ok() { "$1" -c 'import sys; sys.exit(not (3, 8) <= sys.version_info[:2] <= (3, 10))' 2>/dev/null; }
if [ -n "${PYTHON:-}" ]; then
  ok "$PYTHON" && { command -v "$PYTHON"; exit 0; }
  echo "PYTHON=$PYTHON is not a Python 3.8-3.10, which Rasa Open Source 3.6 needs." >&2
  exit 1
fi
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
for v in 3.10 3.9 3.8; do
  for p in "$(command -v "python$v")" "$root"/versions/"$v".*/bin/"python$v"; do
    [ -n "$p" ] && [ -x "$p" ] && ok "$p" && { echo "$p"; exit 0; }
  done
done
echo "No Python 3.8-3.10 found; Rasa Open Source 3.6 does not run on 3.11+." >&2
echo "Install one (for example: pyenv install 3.10.13) or run: make PYTHON=/path/to/python3.10" >&2
exit 1
