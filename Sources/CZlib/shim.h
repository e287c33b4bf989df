// zlib for response content decoding (gzip, deflate). inflateInit2 is a macro, so Swift calls
// it through this function.
#ifndef SWIFTLOAD_CZLIB_SHIM_H
#define SWIFTLOAD_CZLIB_SHIM_H

#include <zlib.h>

static inline int sl_inflate_init(z_stream *s, int windowBits) {
    return inflateInit2(s, windowBits);
}

#endif
