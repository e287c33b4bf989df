#!/usr/bin/env bash
# Starts one model server of the serving lab in the background and returns once its model answers
# ready, printing where it listens:
#
#   serving/start.sh mlserver    # MLServer 1.7.1: REST, gRPC and Prometheus metrics, iris + iris-xgb
#   serving/start.sh fastapi     # the same model behind FastAPI + uvicorn (serving/fastapi_app.py)
#   serving/start.sh triton      # Triton Inference Server via PyTriton (serving/triton_app.py):
#                                # REST, gRPC and metrics, iris + iris-xgb, same tensors as MLServer
#   serving/stop.sh [mlserver|fastapi|triton|all]
#
# Environment (defaults in brackets):
#   LAB_DIR               [serving/.lab] models, run folders, PID files, logs
#   MODEL                 mlserver, triton: all|sklearn|xgboost [all: both iris and iris-xgb];
#                         fastapi: sklearn|xgboost [sklearn]
#   MLSERVER_HTTP_PORT    [28080] REST      MLSERVER_GRPC_PORT [28081] gRPC
#   MLSERVER_METRICS_PORT [28082] Prometheus metrics at /metrics
#   PARALLEL_WORKERS      [0] MLServer inference processes; 0 runs the model in the server
#                         process itself (faster for a tiny model on 2 cores)
#   FASTAPI_PORT          [28090]           UVICORN_WORKERS [1]
#   TRITON_HTTP_PORT      [28100] REST      TRITON_GRPC_PORT [28101] gRPC
#   TRITON_METRICS_PORT   [28102] Prometheus metrics at /metrics; MAX_BATCH [32] rows per call
#   READY_TIMEOUT         [90] seconds to wait for readiness
#
# The server runs in its own process group (setsid), its PID in <lab>/run/<name>.pid, its output
# in <lab>/logs/<name>.log. If it exits or is not ready in time, the last 30 log lines are shown,
# whatever was started is stopped, and the exit status is 1. Needs bash, curl and python3-venv.
set -euo pipefail
# shellcheck source=serving/common.sh
source "$(dirname "$0")/common.sh"

name="${1:-}"
case "$name" in
  mlserver | fastapi | triton) ;;
  *) echo "usage: $0 mlserver|fastapi|triton" >&2; exit 2 ;;
esac
timeout="${READY_TIMEOUT:-90}"
pid_file="$run_dir/$name.pid"
log="$log_dir/$name.log"

# A second start would find the ports taken; say so plainly instead.
if [ -f "$pid_file" ]; then
  old="$(cat "$pid_file")"
  if [[ "$old" =~ ^[0-9]+$ ]] && group_alive "$old"; then
    echo "$name is already running (pid $old); stop it with serving/stop.sh $name" >&2
    exit 1
  fi
  rm -f "$pid_file"
fi

"$serving_dir/venv.sh"
if [ "$name" = triton ]; then "$serving_dir/venv.sh" triton; fi
"$venv_dir/bin/python" "$serving_dir/train.py" "$lab_dir" --quiet
mkdir -p "$run_dir" "$log_dir"

# Another server already on a port would answer the readiness checks in this one's place.
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
check_ports() {
  local port
  for port in "$@"; do
    if port_taken "$port"; then
      echo "port $port on 127.0.0.1 is already in use; choose another (see the top of $0)" >&2
      exit 1
    fi
  done
}

# MLServer and Triton serve the same models: MODEL picks which, and each must answer ready.
v2_models() {
  case "${MODEL:-all}" in
    all) models=(iris iris-xgb) ;;
    sklearn) models=(iris) ;;
    xgboost) models=(iris-xgb) ;;
    *) echo "MODEL must be all, sklearn or xgboost for $name" >&2; exit 2 ;;
  esac
  ready_urls=()
  for m in "${models[@]}"; do ready_urls+=("http://127.0.0.1:$http_port/v2/models/$m/ready"); done
}

if [ "$name" = mlserver ]; then
  http_port="${MLSERVER_HTTP_PORT:-28080}"
  grpc_port="${MLSERVER_GRPC_PORT:-28081}"
  metrics_port="${MLSERVER_METRICS_PORT:-28082}"
  workers="${PARALLEL_WORKERS:-0}"
  v2_models
  check_ports "$http_port" "$grpc_port" "$metrics_port"

  # MLServer serves every model-settings.json under the folder it is given, and writes .envs/
  # and .metrics/ (Prometheus' multi-process files) into it: a fresh folder per start, holding a
  # copy of the models, so that stale metrics never carry over and training during a run does not
  # change what is served.
  dir="$run_dir/mlserver"
  rm -rf "$dir"
  mkdir -p "$dir"
  for m in "${models[@]}"; do cp -r "$lab_dir/models/$m" "$dir/$m"; done
  # settings.json wins over MLSERVER_* variables. debug false: no access log line per request
  # (and MLServer's default is true).
  cat >"$dir/settings.json" <<EOF
{
  "host": "127.0.0.1",
  "http_port": $http_port,
  "grpc_port": $grpc_port,
  "metrics_port": $metrics_port,
  "parallel_workers": $workers,
  "debug": false,
  "environments_dir": "$dir/.envs",
  "metrics_dir": "$dir/.metrics"
}
EOF
  start_server() {
    cd "$dir"
    exec setsid "${clean_exec[@]}" "$venv_dir/bin/mlserver" start "$dir"
  }
elif [ "$name" = triton ]; then
  http_port="${TRITON_HTTP_PORT:-28100}"
  grpc_port="${TRITON_GRPC_PORT:-28101}"
  metrics_port="${TRITON_METRICS_PORT:-28102}"
  v2_models
  check_ports "$http_port" "$grpc_port" "$metrics_port"
  start_server() {
    cd "$serving_dir"
    export LAB_DIR="$lab_dir" TRITON_HTTP_PORT="$http_port" TRITON_GRPC_PORT="$grpc_port" \
      TRITON_METRICS_PORT="$metrics_port" MODEL="${MODEL:-all}"
    exec setsid "${clean_exec[@]}" "$triton_venv_dir/bin/python" "$serving_dir/triton_app.py"
  }
else
  port="${FASTAPI_PORT:-28090}"
  workers="${UVICORN_WORKERS:-1}"
  kind="${MODEL:-sklearn}"
  case "$kind" in
    sklearn) model_name=iris ;;
    xgboost) model_name=iris-xgb ;;
    *) echo "MODEL must be sklearn or xgboost for fastapi" >&2; exit 2 ;;
  esac
  check_ports "$port"
  # Each uvicorn worker keeps its request count in a file here; /stats sums them.
  stats_dir="$run_dir/fastapi-stats"
  rm -rf "$stats_dir"
  ready_urls=("http://127.0.0.1:$port/v2/models/$model_name/ready")
  start_server() {
    cd "$serving_dir"
    export LAB_DIR="$lab_dir" IRIS_MODEL_KIND="$kind" STATS_DIR="$stats_dir"
    # No access log: one line per request would cost more than the prediction.
    exec setsid "${clean_exec[@]}" "$venv_dir/bin/uvicorn" fastapi_app:app --app-dir "$serving_dir" \
      --host 127.0.0.1 --port "$port" --workers "$workers" --loop uvloop --http httptools \
      --log-level warning --no-access-log
  }
fi

started="$(now)"
# Without job control a background job is not a process group leader, so setsid makes the
# process a new session and group in place, keeping the PID that $! reports.
start_server >"$log" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$pid_file"

fail() {
  echo "$name: $1; last 30 lines of $log:" >&2
  tail -n 30 "$log" >&2 || true
  stop_group "$pid"
  wait "$pid" 2>/dev/null || true
  rm -f "$pid_file"
  exit 1
}
# Interrupted while waiting: do not leave a half-started server behind.
trap 'fail "interrupted"' INT TERM

all_ready() {
  local url
  for url in "${ready_urls[@]}"; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)" = 200 ] || return 1
  done
  # With several uvicorn workers, one answering is not enough: each creates its count file once
  # its model is loaded.
  if [ "$name" = fastapi ] && [ "$(find "$stats_dir" -name '*.count' 2>/dev/null | wc -l)" -lt "$workers" ]; then
    return 1
  fi
}

deadline=$(( $(date +%s) + timeout ))
until all_ready; do
  if ! group_alive "$pid"; then
    status=0
    wait "$pid" || status=$?
    fail "exited with status $status before it was ready"
  fi
  [ "$(date +%s)" -lt "$deadline" ] || fail "not ready after $timeout s"
  sleep 0.1
done
trap - INT TERM

if [ "$name" = mlserver ]; then
  echo "mlserver ready: REST http://127.0.0.1:$http_port gRPC 127.0.0.1:$grpc_port" \
    "metrics http://127.0.0.1:$metrics_port/metrics, models ${models[*]}, parallel_workers $workers" \
    "(pid $pid, $(seconds_since "$started") s)"
elif [ "$name" = triton ]; then
  echo "triton ready: REST http://127.0.0.1:$http_port gRPC 127.0.0.1:$grpc_port" \
    "metrics http://127.0.0.1:$metrics_port/metrics, models ${models[*]} (pid $pid, $(seconds_since "$started") s)"
else
  echo "fastapi ready: http://127.0.0.1:$port model $model_name ($kind), $workers uvicorn worker(s)" \
    "(pid $pid, $(seconds_since "$started") s)"
fi
