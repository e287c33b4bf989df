#!/usr/bin/env bash
# swiftload's test suite on a fresh Debian 12 machine: installs what the tests need, builds, runs
# every test (unit, engine against real local servers, command line). Tests start their servers
# on loopback ports below 32768 and stop them by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
# Python packages for the gRPC and HTTP/2 fixture servers, in a venv of their own.
if [ ! -x .venv-test/bin/python ] || ! cmp -s Tests/Fixtures/requirements.txt .venv-test/requirements.txt; then
  python3 -m venv .venv-test
  .venv-test/bin/pip install -q -r Tests/Fixtures/requirements.txt
  cp Tests/Fixtures/requirements.txt .venv-test/requirements.txt
fi
# MLServer, FastAPI and the model libraries for the lab's integration test (.venv-lab).
# Ray (about 300 MB) for the Ray launcher's test: a two-node cluster on loopback.
if [ ! -x .venv-ray/bin/python ] || ! cmp -s deploy/ray/requirements.txt .venv-ray/requirements.txt; then
  python3 -m venv .venv-ray
  .venv-ray/bin/pip install -q -r deploy/ray/requirements.txt
  cp deploy/ray/requirements.txt .venv-ray/requirements.txt
fi
serving/venv.sh
# Triton Inference Server via PyTriton (.venv-triton, about 1.3 GB) for the lab's test against Triton.
serving/venv.sh triton
swift build --build-tests
# One test at a time: load tests measure latency and must not compete for the two cores.
swift test --skip-build --no-parallel
