#!/usr/bin/env bash
# gRPC unary calls per client CPU-second: swiftload against k6 1.1.0 (k6/net/grpc), both calling
# ModelInfer on the same fast server. The server is nginx (one worker, pinned to CPU 1) answering
# every call on /inference.GRPCInferenceService/ModelInfer with a recorded MLServer reply and
# grpc-status 0, so the clients, not a Python model server, are what is measured. Each tool runs
# pinned to CPU 0 with VUS virtual users for DURATION seconds, ROUNDS times in turn; medians.
#
#   bench/grpc.sh SWIFTLOAD K6          (bench/run.sh grpc calls it)
set -u
swiftload=$1 k6=$2
DURATION=${DURATION:-8} VUS=${VUS:-50} ROUNDS=${ROUNDS:-3} PORT=${GRPC_PORT:-19190}
cd "$(dirname "$0")/.."
dir=$(mktemp -d); chmod 755 "$dir"   # nginx's workers run as nobody when started as root
trap 'kill $(cat "$dir/nginx.pid" 2>/dev/null) 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT
mkdir -p "$dir/www"
# The reply MLServer 1.7.1 sent for iris (model_name, version, output "predict" = [0]), framed.
python3 - "$dir/www/infer" <<'PY'
import binascii, sys
msg = binascii.unhexlify("0a0469726973120276312a2f0a07707265646963741205494e5436341a02010122140a0c"
                         "636f6e74656e745f7479706512041a026e702a031a0100")
open(sys.argv[1], "wb").write(b"\x00" + len(msg).to_bytes(4, "big") + msg)
PY
cat > "$dir/nginx.conf" <<CONF
worker_processes 1; daemon on; pid $dir/nginx.pid; error_log $dir/nginx.err warn;
events { worker_connections 8192; }
http { access_log off; keepalive_requests 100000000; client_body_temp_path $dir/body;
  server { listen 127.0.0.1:$PORT http2;
    location = /inference.GRPCInferenceService/ModelInfer {
      alias $dir/www/infer; default_type application/grpc; client_body_buffer_size 64k;
      error_page 405 =200 \$uri; add_trailer grpc-status 0 always; add_trailer grpc-message "" always; } } }
CONF
taskset -c 1 nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/nginx.err" || { echo "nginx failed"; exit 1; }
sleep 0.5
cat > "$dir/k6.js" <<JS
import grpc from 'k6/net/grpc';
const client = new grpc.Client();
client.load(['$PWD/protos'], 'open_inference.proto');
export const options = { vus: $VUS, duration: '${DURATION}s' };
export default function () {
  if (__ITER === 0) { client.connect('127.0.0.1:$PORT', { plaintext: true }); }
  client.invoke('inference.GRPCInferenceService/ModelInfer', { model_name: 'iris', inputs: [
    { name: 'input-0', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [5.1, 3.5, 1.4, 0.2] } }] });
}
JS
tools=(
  "swiftload|$swiftload run scenarios/bench/grpc_infer.swift --env TARGET=127.0.0.1:$PORT --vus $VUS --duration ${DURATION}s -q|/^  infer /{gsub(\",\",\"\",\$2); print \$2}"
  "k6|env GOMAXPROCS=1 K6_NO_USAGE_REPORT=true $k6 run --no-usage-report -q $dir/k6.js|/^ *iterations\\./{print \$2}"
)
for round in $(seq "$ROUNDS"); do
  for t in "${tools[@]}"; do
    IFS='|' read -r name cmd prog <<< "$t"
    /usr/bin/time -f "CPU %U %S" -o "$dir/$name.time" timeout $((DURATION + 30)) taskset -c 0 bash -c "$cmd" > "$dir/$name.out" 2>&1
    n=$(awk "$prog" "$dir/$name.out" | tail -1); cpu=$(awk '/^CPU/{print $2+$3}' "$dir/$name.time")
    echo "$name ${n:-0} ${cpu:-0}" >> "$dir/results"
  done
done
printf '| tool | calls/s (median) | calls per client CPU-s (median) | runs |\n|---|---|---|---|\n'
for name in swiftload k6; do
  awk -v n="$name" -v d="$DURATION" '$1==n && $2>0 && $3>0 {r[++k]=$2/d; e[k]=$2/$3}
    function med(a, k,  i,j,t) { for(i=1;i<=k;i++) for(j=i+1;j<=k;j++) if(a[j]<a[i]){t=a[i];a[i]=a[j];a[j]=t}
      return (k%2) ? a[(k+1)/2] : (a[k/2]+a[k/2+1])/2 }
    END { if (k) printf "| %s | %.0f | %.0f | %d |\n", n, med(r,k), med(e,k), k; else printf "| %s | failed | | 0 |\n", n }' "$dir/results"
done
