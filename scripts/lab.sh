#!/usr/bin/env bash
# The model-serving lab, end to end, in one command: build swiftload, create the serving venv,
# train the iris models, start MLServer (REST + gRPC) and the FastAPI app, load each of them at
# the same open-model arrival rate, write an HTML report per run and a side-by-side comparison
# into reports/lab-<time>/, stop the servers and say where the reports are.
#
#   scripts/lab.sh                        # 200 requests/s for 20 s per run
#   RATE=400 DURATION=30s BATCH=8 scripts/lab.sh
#
# Re-running reuses the venv (.venv-lab), the trained models and the release build. The servers
# are stopped by their PIDs on every exit, Ctrl-C included (the run in progress still writes its
# reports). Needs a Swift 6 toolchain on the PATH; installs the Debian packages it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
rate="${RATE:-200}"
duration="${DURATION:-20s}"
batch="${BATCH:-1}"

scripts/deps.sh
swift build -c release 2>&1 | tail -1
bin="$(swift build -c release --show-bin-path)"
serving/venv.sh
.venv-lab/bin/python serving/train.py

out="reports/lab-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out"
# Servers run in process groups of their own (setsid): a Ctrl-C reaches swiftload, which writes
# its reports and exits 130; this trap then stops the servers by the PIDs start.sh recorded.
trap 'serving/stop.sh all' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
serving/start.sh mlserver
serving/start.sh fastapi

statuses=()
load() {
  local name="$1"; shift
  # A short unrecorded run first: compiles the scenario (cached after) and warms the server's
  # connections and lazy imports, which otherwise land in the first second's p99.
  "$bin/swiftload" run "$@" --rate 50 --duration 2s -e BATCH="$batch" -q >/dev/null 2>&1 || true
  echo
  echo "== $name: $rate requests/s for $duration, batch $batch"
  local status=0
  "$bin/swiftload" run "$@" --rate "$rate" --duration "$duration" -e BATCH="$batch" \
    -o "json=$out/$name.json" -o "html=$out/$name.html" || status=$?
  # 99 (a threshold failed) is a result, not a reason to stop the lab; anything else is.
  case "$status" in
    0 | 99) statuses+=("$name: exit $status") ;;
    *) echo "$name: swiftload exited with $status" >&2; exit "$status" ;;
  esac
}
load mlserver_rest scenarios/mlserver_rest.swift -e TARGET=http://127.0.0.1:28080
load mlserver_grpc scenarios/mlserver_grpc.swift -e TARGET=127.0.0.1:28081
load fastapi_predict scenarios/fastapi_rest.swift -e TARGET=http://127.0.0.1:28090
load fastapi_v2 scenarios/fastapi_rest.swift -e TARGET=http://127.0.0.1:28090 -e ROUTE=v2

"$bin/swiftload" report "$out/mlserver_rest.json" "$out/mlserver_grpc.json" "$out/fastapi_predict.json" "$out/fastapi_v2.json" \
  --label "MLServer REST" --label "MLServer gRPC" --label "FastAPI /predict" --label "FastAPI V2" \
  --html "$out/comparison.html"

echo
echo "lab finished in $(( $(date +%s) - started )) s; thresholds: ${statuses[*]}"
echo "reports:    $out/"
echo "comparison: $out/comparison.html"
