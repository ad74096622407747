// The record batch codecs (attributes bits 0-2): gzip (zlib), snappy (raw, or the xerial
// framing Java clients write), lz4 (the LZ4 frame format) and zstd, each from Debian's library.
// Decompression is bounded, so a small "decompression bomb" cannot fill the memory.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace orderstream::kafka {

enum class Codec : int { kNone = 0, kGzip = 1, kSnappy = 2, kLz4 = 3, kZstd = 4 };

// InvalidArgument for an unknown codec, damaged input, or more than max_out bytes of output.
Result<std::string> decompress(Codec codec, std::string_view in, size_t max_out);
// For tests and for clients of our own (bench); kNone returns the input.
Result<std::string> compress(Codec codec, std::string_view in);

}  // namespace orderstream::kafka
