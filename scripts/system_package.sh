#!/usr/bin/env bash
# Make sure a program from Debian's packages is installed: `system_package.sh COMMAND PACKAGE`.
# As root it is installed with apt-get; otherwise say what to install and stop.
set -u
command=$1 package=$2
command -v "$command" >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing $package (for $command) with apt-get..."
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq "$package" >/dev/null; } || exit 1
  command -v "$command" >/dev/null 2>&1 && exit 0
fi
echo "$command is missing: install the package '$package' (Debian/Ubuntu: sudo apt-get install $package)." >&2
exit 1
