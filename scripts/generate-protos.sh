#!/usr/bin/env bash
# Regenerates the Swift code for protos/*.proto with protoc and swift-protobuf's protoc-gen-swift
# (the version Package.swift depends on). The generated files are committed: building the plugin
# takes minutes, and users of SwiftLoad never need protoc.
#
#   scripts/generate-protos.sh        needs protoc (apt-get install protobuf-compiler)
set -euo pipefail
cd "$(dirname "$0")/.."
version=1.39.0
work=${PROTOC_GEN_SWIFT_DIR:-.build-protoc}
if [ ! -x "$work/bin/protoc-gen-swift" ]; then
  rm -rf "$work/src"
  git clone -q --depth 1 --branch "$version" https://github.com/apple/swift-protobuf "$work/src"
  swift build -c release --product protoc-gen-swift --package-path "$work/src" --scratch-path "$work/build"
  mkdir -p "$work/bin"
  cp "$work/build/release/protoc-gen-swift" "$work/bin/"
fi
protoc --plugin=protoc-gen-swift="$work/bin/protoc-gen-swift" \
  --swift_out=Sources/SwiftLoad/OpenInference --swift_opt=Visibility=Public \
  -I protos protos/open_inference.proto
echo "generated Sources/SwiftLoad/OpenInference/open_inference.pb.swift"
