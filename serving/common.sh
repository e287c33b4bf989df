# shellcheck shell=bash disable=SC2034  # sourced: the scripts that source it use these variables
# Shared by serving/start.sh and serving/stop.sh (sourced, not run).
# Servers run in a process group of their own, led by the PID recorded in <lab>/run/<name>.pid,
# so that stopping the group also stops MLServer's inference workers and uvicorn's workers.

serving_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "$serving_dir")"
venv_dir="$repo_dir/.venv-lab"
triton_venv_dir="$repo_dir/.venv-triton"
# Absolute, because the servers run in other working directories.
lab_dir="$(realpath -m "${LAB_DIR:-$serving_dir/.lab}")"
run_dir="$lab_dir/run"
log_dir="$lab_dir/logs"

now() { echo "${EPOCHREALTIME/,/.}"; }
seconds_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# True while a process of group $1 is alive. Read from /proc rather than ps (not installed on a
# minimal Debian); zombies do not count: a leader that exited but has not been reaped yet holds
# no port and no CPU.
group_alive() {
  local group="$1" f line state pgrp
  for f in /proc/[0-9]*/stat; do
    # The process may exit between the glob and the read: skip it quietly.
    { read -r line <"$f"; } 2>/dev/null || continue
    # The fields after the command name, which is in parentheses and may contain spaces, are
    # state, ppid, pgrp, ...
    read -r state _ pgrp _ <<<"${line##*) }"
    [ "$pgrp" = "$group" ] && [ "$state" != Z ] && return 0
  done
  return 1
}

# Stops process group $1: SIGTERM, up to 10 s for a clean exit (MLServer needs 2-4 s), then SIGKILL.
stop_group() {
  local group="$1" deadline
  kill -TERM -- "-$group" 2>/dev/null || true
  deadline=$(( $(date +%s) + 10 ))
  while group_alive "$group"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "process group $group still running after 10 s: SIGKILL" >&2
      kill -KILL -- "-$group" 2>/dev/null || true
      sleep 0.2
      break
    fi
    sleep 0.1
  done
}

# Runs a server with a clean slate: every signal unblocked and at default, and no inherited file
# descriptor above 2. A parent that blocked signals in the spawning thread (test runners, thread
# pools) would otherwise leave the server deaf to SIGTERM, and a parent that watches an inherited
# pipe for its child's exit would go on waiting for the long-lived server.
clean_exec=("$venv_dir/bin/python" -c '
import os, signal, sys
signal.pthread_sigmask(signal.SIG_SETMASK, set())
for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(s, signal.SIG_DFL)
os.closerange(3, 65536)
os.execv(sys.argv[1], sys.argv[1:])')
