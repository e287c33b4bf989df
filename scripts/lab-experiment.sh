#!/usr/bin/env bash
# The serving experiment behind reports/README.md, as sweeps: for each serving option, the highest
# arrival rate it sustains with p99 < SLO_MS and errors < 1 % (`swiftload sweep`: doubling rates,
# then bisection to 5 %; each rate measured in windows until the last ones agree, perf_analyzer's
# stability rule). Options: MLServer REST and gRPC, Triton REST and gRPC, FastAPI; batch 1/8/32;
# scikit-learn vs XGBoost; 1 vs 2 workers (MLServer parallel_workers, uvicorn workers). MLServer's
# and Triton's own metrics are scraped into every step's result.
#
# Writes into reports/experiment-<time>/: one sweep JSON (every step with its full result) and
# console table per option, results.md (the answers, best first, per section) and sweeps.html
# (every option's curves, one pair of charts per section). About 30 minutes on two cores.
#
#   scripts/lab-experiment.sh
#   SLO_MS=100 WINDOW=5s SECTIONS="saturation batch" scripts/lab-experiment.sh
#
# Sections: saturation (every option, batch 1), batch (8 and 32 rows per request), models
# (XGBoost instead of scikit-learn), workers (MLServer parallel_workers 1 and 2, 2 uvicorn workers).
# A sweep's rate is requests per second: at batch 32 each request carries 32 rows.
set -euo pipefail
cd "$(dirname "$0")/.."
slo="${SLO_MS:-50}"
window="${WINDOW:-3s}"
from="${FROM:-100}"
to="${TO:-6400}"
sections=" ${SECTIONS:-saturation batch models workers} "
want() { [[ "$sections" == *" $1 "* ]]; }

# shellcheck source=scripts/lab-common.sh
source scripts/lab-common.sh
lab_prepare
out="${OUT:-reports/experiment-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
lab_stop_servers_on_exit
started=$(date +%s)

mlserver_rest=(scenarios/mlserver_rest.swift -e TARGET=http://127.0.0.1:28080)
mlserver_grpc=(scenarios/mlserver_grpc.swift -e TARGET=127.0.0.1:28081)
triton_rest=(scenarios/mlserver_rest.swift -e TARGET=http://127.0.0.1:28100)
triton_grpc=(scenarios/mlserver_grpc.swift -e TARGET=127.0.0.1:28101)
fastapi=(scenarios/fastapi_rest.swift -e TARGET=http://127.0.0.1:28090)
mlserver_metrics=(--scrape http://127.0.0.1:28082/metrics --scrape-include model_ --scrape-include rest_server_
                  --scrape-include grpc_server_ --scrape-include parallel_request_)
triton_metrics=(--scrape http://127.0.0.1:28102/metrics --scrape-include nv_inference_)

files=()
labels=()
# sweep FILE-NAME "SECTION · OPTION" SCENARIO-ARGS… : one sweep; "no rate passed" (99) is a result.
sweep() {
  local name="$1" label="$2"; shift 2
  local status=0
  # An unrecorded second at the lowest rate compiles the scenario and wakes the server's lazy parts.
  "$bin/swiftload" run "$@" --rate "$from" --duration 2s -q >/dev/null 2>&1 || true
  "$bin/swiftload" sweep "$@" --slo "p(99)<${slo}ms" --slo 'error_rate<1%' --from "$from" --to "$to" \
    --window "$window" --windows 4 --stable 2 --tolerance 0.15 -q -o "json=$out/$name.json" >"$out/$name.txt" 2>&1 || status=$?
  case "$status" in
    0 | 99) files+=("$out/$name.json"); labels+=(--label "$label")
            printf '%-44s %s\n' "$label" "$(grep -E 'highest|no rate' "$out/$name.txt" | head -1 | sed 's/^ *//')" ;;
    130 | 143) echo "$name: interrupted" >&2; exit "$status" ;;
    *) echo "$name: swiftload exited with $status" >&2; tail -5 "$out/$name.txt" >&2; exit "$status" ;;
  esac
}

PARALLEL_WORKERS=0 serving/start.sh mlserver
serving/start.sh triton
UVICORN_WORKERS=1 serving/start.sh fastapi

if want saturation; then
  echo "== every option, batch 1"
  sweep mlserver-rest "batch 1 · MLServer REST" "${mlserver_rest[@]}" "${mlserver_metrics[@]}"
  sweep mlserver-grpc "batch 1 · MLServer gRPC" "${mlserver_grpc[@]}" "${mlserver_metrics[@]}"
  sweep triton-rest "batch 1 · Triton REST" "${triton_rest[@]}" "${triton_metrics[@]}"
  sweep triton-grpc "batch 1 · Triton gRPC" "${triton_grpc[@]}" "${triton_metrics[@]}"
  sweep fastapi-predict "batch 1 · FastAPI /predict" "${fastapi[@]}"
fi

if want batch; then
  for b in 8 32; do
    echo "== batch $b (rows per request)"
    sweep "batch$b-mlserver-rest" "batch $b · MLServer REST" "${mlserver_rest[@]}" -e BATCH="$b" "${mlserver_metrics[@]}"
    sweep "batch$b-mlserver-grpc" "batch $b · MLServer gRPC" "${mlserver_grpc[@]}" -e BATCH="$b" "${mlserver_metrics[@]}"
    sweep "batch$b-triton-rest" "batch $b · Triton REST" "${triton_rest[@]}" -e BATCH="$b" "${triton_metrics[@]}"
    sweep "batch$b-triton-grpc" "batch $b · Triton gRPC" "${triton_grpc[@]}" -e BATCH="$b" "${triton_metrics[@]}"
    sweep "batch$b-fastapi-predict" "batch $b · FastAPI /predict" "${fastapi[@]}" -e BATCH="$b"
  done
fi

if want models; then
  echo "== XGBoost instead of scikit-learn (batch 1)"
  sweep xgboost-mlserver-rest "XGBoost · MLServer REST" "${mlserver_rest[@]}" -e MODEL=iris-xgb "${mlserver_metrics[@]}"
  sweep xgboost-triton-rest "XGBoost · Triton REST" "${triton_rest[@]}" -e MODEL=iris-xgb "${triton_metrics[@]}"
fi

if want workers; then
  echo "== 1 vs 2 workers (batch 1)"
  serving/stop.sh triton
  for w in 1 2; do
    serving/stop.sh mlserver
    PARALLEL_WORKERS="$w" serving/start.sh mlserver
    sweep "mlserver-rest-pw$w" "workers · MLServer REST, parallel_workers $w" "${mlserver_rest[@]}" "${mlserver_metrics[@]}"
  done
  serving/stop.sh fastapi
  UVICORN_WORKERS=2 serving/start.sh fastapi
  sweep fastapi-predict-2workers "workers · FastAPI /predict, 2 uvicorn workers" "${fastapi[@]}"
fi

{
  echo "# Serving experiment: highest rate with p99 < $slo ms and errors < 1 %"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores, $window windows (up to 4, the last 2 within 15 %), rates $from–$to requests/s."
  echo
  echo '```'
  "$bin/swiftload" report "${files[@]}" "${labels[@]}" --html "$out/sweeps.html" 2>/dev/null
  echo '```'
} >"$out/results.md"
echo
cat "$out/results.md"
echo
echo "experiment finished in $(( $(date +%s) - started )) s: $out/results.md, curves: $out/sweeps.html"
