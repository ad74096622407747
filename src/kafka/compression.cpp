#include "kafka/compression.h"

#include <lz4frame.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <memory>

namespace orderstream::kafka {

namespace {

Status too_large(size_t max_out) {
  return invalid_argument("a compressed record batch expands beyond " + std::to_string(max_out) + " bytes");
}

Result<std::string> gunzip(std::string_view in, size_t max_out) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) return invalid_argument("gzip: cannot start inflate");  // +32: gzip or zlib
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  char buf[64 * 1024];
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof(buf);
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      return invalid_argument("gzip: damaged data");
    }
    out.append(buf, sizeof(buf) - z.avail_out);
    if (out.size() > max_out) {
      inflateEnd(&z);
      return too_large(max_out);
    }
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
      inflateEnd(&z);
      return invalid_argument("gzip: truncated data");
    }
  }
  inflateEnd(&z);
  return out;
}

Result<std::string> snappy_raw(std::string_view in, size_t max_out) {
  size_t n = 0;
  if (snappy_uncompressed_length(in.data(), in.size(), &n) != SNAPPY_OK) return invalid_argument("snappy: damaged data");
  if (n > max_out) return too_large(max_out);
  std::string out(n, '\0');
  if (snappy_uncompress(in.data(), in.size(), out.data(), &n) != SNAPPY_OK) return invalid_argument("snappy: damaged data");
  out.resize(n);
  return out;
}

// Java clients (snappy-java) write "\x82SNAPPY\0", two 4-byte versions, then blocks of a 4-byte
// big-endian length and a raw snappy block.
Result<std::string> unsnappy(std::string_view in, size_t max_out) {
  static constexpr std::string_view kXerial("\x82SNAPPY\0", 8);
  if (in.substr(0, 8) != kXerial) return snappy_raw(in, max_out);
  std::string out;
  size_t pos = 16;
  while (pos < in.size()) {
    if (in.size() - pos < 4) return invalid_argument("snappy: truncated block length");
    uint32_t len = 0;
    for (int i = 0; i < 4; ++i) len = (len << 8) | static_cast<unsigned char>(in[pos + static_cast<size_t>(i)]);
    pos += 4;
    if (len > in.size() - pos) return invalid_argument("snappy: truncated block");
    OS_ASSIGN_OR_RETURN(std::string block, snappy_raw(in.substr(pos, len), max_out - out.size()));
    out += block;
    pos += len;
  }
  return out;
}

Result<std::string> unlz4(std::string_view in, size_t max_out) {
  LZ4F_dctx* ctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION))) return invalid_argument("lz4: no context");
  std::unique_ptr<LZ4F_dctx, decltype(&LZ4F_freeDecompressionContext)> guard(ctx, &LZ4F_freeDecompressionContext);
  std::string out;
  char buf[64 * 1024];
  const char* src = in.data();
  size_t left = in.size();
  size_t hint = 1;
  while (left > 0 && hint != 0) {
    size_t dst = sizeof(buf), used = left;
    hint = LZ4F_decompress(ctx, buf, &dst, src, &used, nullptr);
    if (LZ4F_isError(hint)) return invalid_argument(std::string("lz4: ") + LZ4F_getErrorName(hint));
    out.append(buf, dst);
    if (out.size() > max_out) return too_large(max_out);
    src += used;
    left -= used;
    if (used == 0 && dst == 0) break;
  }
  if (hint != 0) return invalid_argument("lz4: truncated frame");
  return out;
}

Result<std::string> unzstd(std::string_view in, size_t max_out) {
  std::unique_ptr<ZSTD_DStream, decltype(&ZSTD_freeDStream)> ds(ZSTD_createDStream(), &ZSTD_freeDStream);
  if (!ds) return invalid_argument("zstd: no context");
  ZSTD_initDStream(ds.get());
  std::string out;
  char buf[64 * 1024];
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  size_t rc = 1;
  while (src.pos < src.size || rc != 0) {
    ZSTD_outBuffer dst{buf, sizeof(buf), 0};
    rc = ZSTD_decompressStream(ds.get(), &dst, &src);
    if (ZSTD_isError(rc)) return invalid_argument(std::string("zstd: ") + ZSTD_getErrorName(rc));
    out.append(buf, dst.pos);
    if (out.size() > max_out) return too_large(max_out);
    if (src.pos == src.size && dst.pos == 0 && rc != 0) return invalid_argument("zstd: truncated frame");
  }
  return out;
}

}  // namespace

Result<std::string> decompress(Codec codec, std::string_view in, size_t max_out) {
  switch (codec) {
    case Codec::kNone: return std::string(in);
    case Codec::kGzip: return gunzip(in, max_out);
    case Codec::kSnappy: return unsnappy(in, max_out);
    case Codec::kLz4: return unlz4(in, max_out);
    case Codec::kZstd: return unzstd(in, max_out);
  }
  return invalid_argument("unknown compression codec " + std::to_string(static_cast<int>(codec)));
}

Result<std::string> compress(Codec codec, std::string_view in) {
  switch (codec) {
    case Codec::kNone:
      return std::string(in);
    case Codec::kGzip: {
      z_stream z{};
      if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return invalid_argument("gzip: cannot start deflate");
      std::string out(deflateBound(&z, static_cast<uLong>(in.size())) + 32, '\0');
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      z.avail_in = static_cast<uInt>(in.size());
      z.next_out = reinterpret_cast<Bytef*>(out.data());
      z.avail_out = static_cast<uInt>(out.size());
      int rc = deflate(&z, Z_FINISH);
      out.resize(out.size() - z.avail_out);
      deflateEnd(&z);
      if (rc != Z_STREAM_END) return invalid_argument("gzip: deflate failed");
      return out;
    }
    case Codec::kSnappy: {
      size_t n = snappy_max_compressed_length(in.size());
      std::string out(n, '\0');
      if (snappy_compress(in.data(), in.size(), out.data(), &n) != SNAPPY_OK) return invalid_argument("snappy failed");
      out.resize(n);
      return out;
    }
    case Codec::kLz4: {
      std::string out(LZ4F_compressFrameBound(in.size(), nullptr), '\0');
      size_t n = LZ4F_compressFrame(out.data(), out.size(), in.data(), in.size(), nullptr);
      if (LZ4F_isError(n)) return invalid_argument("lz4 failed");
      out.resize(n);
      return out;
    }
    case Codec::kZstd: {
      std::string out(ZSTD_compressBound(in.size()), '\0');
      size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
      if (ZSTD_isError(n)) return invalid_argument("zstd failed");
      out.resize(n);
      return out;
    }
  }
  return invalid_argument("unknown compression codec");
}

}  // namespace orderstream::kafka
