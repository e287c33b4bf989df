// nghttp2 has no variadic calls; the shim only gives the header a module of its own.
#ifndef SWIFTLOAD_CNGHTTP2_SHIM_H
#define SWIFTLOAD_CNGHTTP2_SHIM_H
#include <nghttp2/nghttp2.h>
#endif
