#!/usr/bin/env bash
# The two set-up commands of the README, on a fresh Debian 12 machine:
#   bash packaging/bootstrap.sh run    install what is missing, build, open the app on the demo database
#   bash packaging/bootstrap.sh test   install what is missing, build, run every test
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}

case "$mode" in
  run|test) ;;
  *) echo "usage: bash packaging/bootstrap.sh run|test" >&2; exit 2 ;;
esac

bash packaging/install-deps.sh

if [ "$mode" = test ]; then
  # Optimised, warnings as errors, every test: what CI runs. The suite runs once on SQLite files
  # and once (the "@postgresql" tests, label postgresql) on a throwaway PostgreSQL 15 cluster that
  # pg-test-cluster.sh starts for the run and removes after it, whatever happened.
  cmake --preset ci
  cmake --build --preset ci
  exec bash packaging/pg-test-cluster.sh ctest --preset ci
fi

cmake --preset dev
cmake --build --preset dev
bin=build/dev/app/lmodesk

data=${XDG_DATA_HOME:-$HOME/.local/share}/lmodesk
demo="$data/demo.sqlite"
if [ ! -f "$demo" ]; then
  echo "Writing the demo install base to $demo"
  # lmodesk demo writes a new file beside it and moves it into place when complete: an
  # interrupted run leaves no half demo.
  "$bin" demo --db "$demo" --licenses 200000
fi
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "No display here (DISPLAY and WAYLAND_DISPLAY are empty). The app is built: start it on a desktop with" >&2
  echo "  $bin --db \"$demo\"" >&2
  echo "or try the command line now: $bin stats --db \"$demo\"" >&2
  exit 1
fi
exec "$bin" --db "$demo"
