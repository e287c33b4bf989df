#!/usr/bin/env bash
# Where swiftload's client CPU goes per request, in instructions counted by callgrind (exact and
# repeatable, unlike seconds on a shared machine): the worker thread's instructions for a run of
# 6,000 requests minus those for 2,000, divided by 4,000, so start-up and shutdown cancel out.
# 50 VUs GET a 64-byte file from a local nginx over keep-alive HTTP/1.1 (scenarios/bench/get.swift),
# or with H2C=1 100 VUs over 10 h2c connections of 10 streams (scenarios/bench/get_h2c.swift).
#
#   bench/instructions.sh            needs valgrind (apt-get install valgrind)
#   TOP=40 bench/instructions.sh     also lists the 40 costliest functions
#   H2C=1 bench/instructions.sh      the same over HTTP/2 with prior knowledge
#   TLS=1 bench/instructions.sh      over TLS (HTTP/1.1, or h2 by ALPN with H2C=1), certificate
#                                    verification off (a self-signed certificate)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)"; exit 1; }
swift build -c release >/dev/null
bin=$(swift build -c release --show-bin-path)
export SWIFTLOAD_CACHE_DIR=${SWIFTLOAD_CACHE_DIR:-$PWD/.build-bench-cache}
source=scenarios/bench/get.swift; vus=50; listen=""; scheme=http; insecure=false
[ -z "${H2C:-}" ] || { source=scenarios/bench/get_h2c.swift; vus=100; listen=" http2"; }
scenario=$("$bin/swiftload" run $source --env URL=http://127.0.0.1:9/ --iterations 1 -q --verbose 2>&1 \
  | sed -n 's/^using cached build //p; s/^.*swiftc .* -o \(.*\)\.[0-9]*\.tmp .*$/\1/p' | head -1)
[ -x "$scenario" ] || scenario=$("$bin/swiftload" run $source --env URL=http://127.0.0.1:9/ --iterations 1 -q --verbose 2>&1 | sed -n 's/^using cached build //p')

dir=$(mktemp -d); chmod 755 "$dir"   # nginx's workers run as nobody when started as root
port=$(python3 -c 'import socket,sys
for p in range(19300,19400):
  s=socket.socket()
  try: s.bind(("127.0.0.1",p)); print(p); break
  except OSError: pass
  finally: s.close()')
mkdir -p "$dir/www"; printf '%064d' 0 > "$dir/www/f64"
tlsconf=""
if [ -n "${TLS:-}" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$dir/key.pem" -out "$dir/cert.pem" \
    -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
  listen=" ssl$listen"; scheme=https; insecure=true
  tlsconf="ssl_certificate $dir/cert.pem; ssl_certificate_key $dir/key.pem; ssl_session_tickets off;"
fi
cat > "$dir/nginx.conf" <<CONF
worker_processes 1; daemon on; pid $dir/nginx.pid; error_log $dir/nginx.err warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 100000000; client_body_temp_path $dir/body; $tlsconf
  server { listen 127.0.0.1:$port$listen; root $dir/www; } }
CONF
nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/nginx.err"
trap 'kill "$(cat "$dir/nginx.pid")" 2>/dev/null; [ -n "${KEEP:-}" ] && echo "kept $dir" || rm -rf "$dir"' EXIT
sleep 0.3

for n in 2000 6000; do
  config="{\"overrides\":{\"vus\":$vus,\"iterations\":$n},\"env\":{\"URL\":\"$scheme://127.0.0.1:$port/f64\"},\"outputs\":[{\"format\":\"json\",\"path\":\"$dir/r.$n.json\"}],\"thresholds\":[],\"quiet\":true,\"insecure\":$insecure,\"plainProgressInterval\":10}"
  SWIFTLOAD_RUN_CONFIG=$config valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*WorkerC4main*' \
    --callgrind-out-file="$dir/cg.$n" "$scenario" bench >/dev/null 2>&1
  # Count only good answers: a 403 (say) is a different, cheaper path.
  python3 - "$dir/r.$n.json" "$n" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["requests"]
if r["count"] != int(sys.argv[2]) or r["failures"] or set(r["statuses"]) != {"200"}:
    sys.exit(f"the measured run did not get {sys.argv[2]} good answers: {r['count']} requests, "
             f"{r['failures']} failed, statuses {r['statuses']}")
PY
done

python3 - "$dir/cg.2000" "$dir/cg.6000" <<'PY'
import re, subprocess, sys
def load(path):
    out = subprocess.run(["callgrind_annotate", "--inclusive=no", "--auto=no", path], capture_output=True, text=True).stdout
    rows = {}
    for line in out.splitlines():
        m = re.match(r"^\s*([0-9,]+) \([ 0-9.]+%\)  (.*)$", line)
        if m and "PROGRAM TOTALS" not in line:
            rows[m.group(2)] = int(m.group(1).replace(",", ""))
    return rows
a, b = load(sys.argv[1]), load(sys.argv[2])
def category(k):
    obj = re.search(r"\[([^\]]+)\]\s*$", k)
    obj = obj.group(1) if obj else ""
    if "libswift_Concurrency" in obj: return "DSL and engine: Swift concurrency runtime (task switches, continuations)"
    if "libswiftCore" in obj: return "Swift runtime (reference counting, allocation)"
    if "libnghttp2" in obj: return "nghttp2 (framing, HPACK, flow control)"
    if "libssl" in obj or "libcrypto" in obj: return "OpenSSL (TLS records, AES-GCM)"
    if re.search(r"TLSChannel|TLSContext", k): return "TLS channel (OpenSSL calls)"
    if "libc.so" in obj or "ld-linux" in obj or "vdso" in obj: return "libc (send/recv/epoll wrappers, memcpy, malloc)"
    if re.search(r"HTTP1|HTTPTarget|AddressResolver", k): return "built-in HTTP/1.1 client (serialise, parse, sockets)"
    if re.search(r"H2[A-Z]", k): return "HTTP/2 client (streams, pool, nghttp2 callbacks)"
    if re.search(r"Histogram|Recorder|RequestMetrics|TransferOutcome|ScenarioMetrics|ErrorTally", k): return "metrics (HDR histograms, counters, building the response)"
    if re.search(r"SwiftLoad|/scripts/", k) and not re.search(r":\$s[sS]", k): return "DSL and engine: VU, requests, iteration loop, event loop"
    return "Swift standard library code inlined into the above (arrays, strings, dictionaries)"
cats = {}
for k in set(a) | set(b):
    d = (b.get(k, 0) - a.get(k, 0)) / 4000
    cats[category(k)] = cats.get(category(k), 0) + d
total = sum(cats.values())
print(f"| part | instructions per request | share |\n|---|---|---|")
for c, v in sorted(cats.items(), key=lambda t: -t[1]):
    print(f"| {c} | {v:,.0f} | {100*v/total:.0f}% |")
print(f"| **total (worker thread, user space)** | **{total:,.0f}** | |")
import os
top = int(os.environ.get("TOP", "0"))
if top:
    print(f"\n| function | instructions per request |\n|---|---|")
    for k in sorted(set(a) | set(b), key=lambda k: -(b.get(k, 0) - a.get(k, 0)))[:top]:
        print(f"| {k[:150]} | {(b.get(k, 0) - a.get(k, 0)) / 4000:,.0f} |")
PY
