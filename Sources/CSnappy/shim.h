// Snappy's C API (Debian's libsnappy-dev): Prometheus remote write bodies are snappy-compressed
// protobuf, in the block format.
#ifndef SWIFTLOAD_CSNAPPY_SHIM_H
#define SWIFTLOAD_CSNAPPY_SHIM_H

#include <snappy-c.h>

#endif
