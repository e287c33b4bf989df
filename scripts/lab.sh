#!/usr/bin/env bash
# The model-serving lab, end to end, in one command: build swiftload, create the serving venv,
# train the iris models, start MLServer and Triton (REST + gRPC) and the FastAPI app, load each of them at
# the same open-model arrival rate, write an HTML report per run and a side-by-side comparison
# into reports/lab-<time>/, stop the servers and say where the reports are.
#
#   scripts/lab.sh                        # 200 requests/s for 10 s per run, then quick sweeps
#   RATE=400 DURATION=30s BATCH=8 SLO_MS=100 scripts/lab.sh
#
# It ends with what a reader came for: each serving option's highest rate with p99 < SLO_MS
# (default 50) and errors < 1 %, from a quick `swiftload sweep` (SWEEP_FROM 100 to SWEEP_TO 3200
# requests/s), and a page of their curves (sweeps.html). About 8 minutes on two cores once the
# venvs exist.
#
# Re-running reuses the venv (.venv-lab), the trained models and the release build. The servers
# are stopped by their PIDs on every exit, Ctrl-C included (the run in progress still writes its
# reports). Needs a Swift 6 toolchain on the PATH; installs the Debian packages it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
rate="${RATE:-200}"
duration="${DURATION:-10s}"
batch="${BATCH:-1}"
slo_ms="${SLO_MS:-50}"
slo_text="p99 < ${slo_ms} ms and errors < 1 %"
sweep_from="${SWEEP_FROM:-100}"
sweep_to="${SWEEP_TO:-3200}"

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

# What a reader came for: each serving option's highest rate under the SLO, from a quick sweep
# (doubling rates, then bisection to 5 %; each rate in 2-second windows until two agree).
echo
echo "== the highest rate each option sustains with $slo_text (quick sweeps)"
sweeps=()
sweep_labels=()
quick_sweep() {
  local name="$1" label="$2"; shift 2
  local status=0
  "$bin/swiftload" sweep "$@" --slo "p(99)<${slo_ms}ms" --slo 'error_rate<1%' --from "$sweep_from" --to "$sweep_to" \
    --window 2s --windows 3 --stable 2 --tolerance 0.25 -e BATCH="$batch" -q -o "json=$out/sweep-$name.json" \
    >"$out/sweep-$name.txt" 2>&1 || status=$?
  case "$status" in
    0 | 99) sweeps+=("$out/sweep-$name.json"); sweep_labels+=(--label "$label")
            printf '  %s: %s\n' "$label" "$(grep -E 'highest|no rate' "$out/sweep-$name.txt" | head -1 | sed 's/^ *//')" ;;
    130 | 143) echo "$name sweep: interrupted" >&2; exit "$status" ;;
    *) echo "$name sweep: swiftload exited with $status" >&2; tail -3 "$out/sweep-$name.txt" >&2 ;;
  esac
}
quick_sweep mlserver_rest "MLServer REST" scenarios/mlserver_rest.swift -e TARGET=http://127.0.0.1:28080
quick_sweep mlserver_grpc "MLServer gRPC" scenarios/mlserver_grpc.swift -e TARGET=127.0.0.1:28081
quick_sweep triton_rest "Triton REST" scenarios/mlserver_rest.swift -e TARGET=http://127.0.0.1:28100
quick_sweep triton_grpc "Triton gRPC" scenarios/mlserver_grpc.swift -e TARGET=127.0.0.1:28101
quick_sweep fastapi_predict "FastAPI /predict" scenarios/fastapi_rest.swift -e TARGET=http://127.0.0.1:28090

"$bin/swiftload" report "$out/mlserver_rest.json" "$out/mlserver_grpc.json" "$out/triton_rest.json" "$out/triton_grpc.json" \
  "$out/fastapi_predict.json" "$out/fastapi_v2.json" \
  --label "MLServer REST" --label "MLServer gRPC" --label "Triton REST" --label "Triton gRPC" \
  --label "FastAPI /predict" --label "FastAPI V2" \
  --html "$out/comparison.html"

echo
echo "lab finished in $(( $(date +%s) - started )) s; thresholds at $rate/s: ${statuses[*]}"
echo "reports:    $out/"
echo "comparison: $out/comparison.html"
if [ ${#sweeps[@]} -gt 0 ]; then
  echo "sweeps:     $out/sweeps.html"
  echo
  echo "highest rate with $slo_text, batch $batch (this machine, quick sweeps):"
  "$bin/swiftload" report "${sweeps[@]}" "${sweep_labels[@]}" --html "$out/sweeps.html" 2>/dev/null
fi
