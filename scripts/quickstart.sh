#!/usr/bin/env bash
# The quickstart, end to end: build swiftload, start a local nginx, run scenarios/quickstart.swift
# against it, write the JSON report into reports/, stop nginx.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
swift build -c release
bin=$(swift build -c release --show-bin-path)

dir=$(mktemp -d); chmod 755 "$dir"   # nginx's workers run as nobody when started as root
port=$(python3 -c '
import socket
for p in range(18080, 18180):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError: pass
    finally: s.close()')
mkdir -p "$dir/www"
echo "hello from nginx" > "$dir/www/index.html"
cat > "$dir/nginx.conf" <<CONF
worker_processes 1; daemon on; pid $dir/nginx.pid; error_log $dir/error.log warn;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $dir/body;
  server { listen 127.0.0.1:$port; root $dir/www; } }
CONF
nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"
trap 'kill "$(cat "$dir/nginx.pid")" 2>/dev/null; rm -rf "$dir"' EXIT
sleep 0.3

report="reports/quickstart-$(date -u +%Y%m%d-%H%M%S).json"
"$bin/swiftload" run scenarios/quickstart.swift --env TARGET="http://127.0.0.1:$port" --out "json=$report"
echo
echo "JSON report: $report"
