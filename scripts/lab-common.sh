# shellcheck shell=bash
# Shared by scripts/lab.sh and scripts/lab-experiment.sh (sourced, not run): everything a lab run
# needs before the first request, and the clean-up it must get on every exit.

# Installs the Debian packages, builds swiftload (release), creates the serving venv and trains
# the models; sets $bin to the folder holding the swiftload binary. Each step is a no-op when
# already done, so a re-run starts in seconds.
lab_prepare() {
  scripts/deps.sh
  swift build -c release 2>&1 | tail -1
  bin="$(swift build -c release --show-bin-path)"
  serving/venv.sh
  serving/venv.sh triton
  .venv-lab/bin/python serving/train.py
}

# Servers run in process groups of their own (setsid): a Ctrl-C reaches swiftload, which writes
# its reports and exits 130; these traps then stop the servers by the PIDs start.sh recorded.
lab_stop_servers_on_exit() {
  trap 'serving/stop.sh all' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}
