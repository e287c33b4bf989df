#!/usr/bin/env bash
# Stops lab servers started by serving/start.sh, by the PID recorded in <lab>/run/<name>.pid:
# SIGTERM to the process group that PID leads (the server and its worker processes), up to 10 s
# to exit, then SIGKILL. Removes the PID file. Nothing running is not an error.
#
#   serving/stop.sh [mlserver|fastapi|triton|all]     (default all; LAB_DIR as for start.sh)
set -euo pipefail
# shellcheck source=serving/common.sh
source "$(dirname "$0")/common.sh"

case "${1:-all}" in
  mlserver | fastapi | triton) names=("$1") ;;
  all) names=(mlserver fastapi triton) ;;
  *) echo "usage: $0 [mlserver|fastapi|triton|all]" >&2; exit 2 ;;
esac

for name in "${names[@]}"; do
  pid_file="$run_dir/$name.pid"
  [ -f "$pid_file" ] || continue
  pid="$(cat "$pid_file")"
  if ! [[ "$pid" =~ ^[0-9]+$ ]]; then
    echo "$name: ignoring $pid_file, which holds no PID" >&2
  elif group_alive "$pid"; then
    started="$(now)"
    stop_group "$pid"
    echo "$name stopped (pid $pid, $(seconds_since "$started") s)"
  fi
  rm -f "$pid_file"
done
