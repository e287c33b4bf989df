#!/usr/bin/env bash
# Installs the Debian 12 packages swiftload builds against and its tests use, if any is missing.
# The Swift toolchain itself is expected on the PATH (swift.org's Linux toolchain).
set -euo pipefail

packages=(
  libcurl4-openssl-dev libnghttp2-dev libssl-dev zlib1g-dev   # the HTTP transports, content decoding
  libsnappy-dev                                        # Prometheus remote write bodies (-o prometheus-rw)
  nginx-light openssl curl python3 python3-venv make   # the test servers and their set-up
  chromium fonts-liberation                            # the HTML report, opened in a real browser
  prometheus                                           # a real remote write receiver for -o prometheus-rw
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}"
# Keep package scripts from starting services (nginx on port 80): tests start their own.
policy=/usr/sbin/policy-rc.d
made_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
  made_policy=1
fi
trap '[ -n "$made_policy" ] && $sudo rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
