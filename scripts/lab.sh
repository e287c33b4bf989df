#!/usr/bin/env bash
# The model-serving lab, end to end, in one command: build swiftload, create the serving venv,
# train the iris models, start MLServer and Triton (REST + gRPC) and the FastAPI app, load each of them at
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

# shellcheck source=scripts/lab-common.sh
source scripts/lab-common.sh
lab_prepare
out="reports/lab-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out"
lab_stop_servers_on_exit
serving/start.sh mlserver
serving/start.sh fastapi
serving/start.sh triton

statuses=()
load() {
  local name="$1"; shift
  # A short unrecorded run first, at the same rate: compiles the scenario (cached after) and
  # warms the server's lazy imports and as many connections as the measured run opens; a cold
  # MLServer otherwise puts ~100 ms into the first run's p99.
  "$bin/swiftload" run "$@" --rate "$rate" --duration 3s -e BATCH="$batch" -q >/dev/null 2>&1 || true
  echo
  echo "== $name: $rate requests/s for $duration, batch $batch"
  local status=0
  "$bin/swiftload" run "$@" --rate "$rate" --duration "$duration" -e BATCH="$batch" \
    -o "json=$out/$name.json" -o "html=$out/$name.html" || status=$?
  # 99 (a threshold failed) is a result, not a reason to stop the lab; anything else is.
  case "$status" in
    0 | 99) statuses+=("$name: exit $status") ;;
    130 | 143) echo "$name: interrupted; its reports are written" >&2; exit "$status" ;;
    *) echo "$name: swiftload exited with $status" >&2; exit "$status" ;;
  esac
}
# MLServer's own metrics beside the client's: request counters, queues and its latency histograms.
mlserver_metrics=(--scrape http://127.0.0.1:28082/metrics --scrape-include model_ --scrape-include rest_server_
                  --scrape-include grpc_server_ --scrape-include parallel_request_ --scrape-include batch_request_)
load mlserver_rest scenarios/mlserver_rest.swift -e TARGET=http://127.0.0.1:28080 "${mlserver_metrics[@]}"
load mlserver_grpc scenarios/mlserver_grpc.swift -e TARGET=127.0.0.1:28081 "${mlserver_metrics[@]}"
# Triton answers the same V2 requests with the same tensor names: the MLServer scenarios target it
# with TARGET alone. Its metrics: request counts, queue and compute time (microseconds).
triton_metrics=(--scrape http://127.0.0.1:28102/metrics --scrape-include nv_inference_)
load triton_rest scenarios/mlserver_rest.swift -e TARGET=http://127.0.0.1:28100 "${triton_metrics[@]}"
load triton_grpc scenarios/mlserver_grpc.swift -e TARGET=127.0.0.1:28101 "${triton_metrics[@]}"
load fastapi_predict scenarios/fastapi_rest.swift -e TARGET=http://127.0.0.1:28090
load fastapi_v2 scenarios/fastapi_rest.swift -e TARGET=http://127.0.0.1:28090 -e ROUTE=v2

"$bin/swiftload" report "$out/mlserver_rest.json" "$out/mlserver_grpc.json" "$out/triton_rest.json" "$out/triton_grpc.json" \
  "$out/fastapi_predict.json" "$out/fastapi_v2.json" \
  --label "MLServer REST" --label "MLServer gRPC" --label "Triton REST" --label "Triton gRPC" \
  --label "FastAPI /predict" --label "FastAPI V2" \
  --html "$out/comparison.html"

echo
echo "lab finished in $(( $(date +%s) - started )) s; thresholds: ${statuses[*]}"
echo "reports:    $out/"
echo "comparison: $out/comparison.html"
