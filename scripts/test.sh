#!/usr/bin/env bash
# swiftload's test suite on a fresh Debian 12 machine: installs what the tests need, builds, runs
# every test (unit, engine against real local servers, command line). Tests start their servers
# on loopback ports below 32768 and stop them by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
swift build --build-tests
# One test at a time: load tests measure latency and must not compete for the two cores.
swift test --skip-build --no-parallel
