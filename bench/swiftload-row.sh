#!/usr/bin/env bash
# The swiftload row of bench/peers.sh: 50 VUs (one keep-alive connection each) GET URL for
# DURATION seconds; prints "requests: N" as the peers script expects.
#   bench/swiftload-row.sh SWIFTLOAD URL CONNS DURATION [SCENARIO]
set -euo pipefail
cd "$(dirname "$0")/.."
# TLS=1 (as for peers.sh): the certificate is self-signed, so verification is off.
"$1" run "${5:-scenarios/bench/get.swift}" --env "URL=$2" --vus "$3" --duration "$4s" -q ${TLS:+--insecure} \
  | awk '$1 == "get" { gsub(",", "", $2); print "requests: " $2 }'
