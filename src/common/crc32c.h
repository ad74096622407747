// CRC32C (Castagnoli), as used by Kafka record batches and LevelDB. Uses the SSE4.2 instruction
// when the CPU has it, a table otherwise. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace orderstream {

// Extends `crc` (0 to start) over `data`.
uint32_t crc32c_extend(uint32_t crc, const void* data, size_t n);
inline uint32_t crc32c(std::string_view s) { return crc32c_extend(0, s.data(), s.size()); }
// The portable table path, whatever the CPU (crc32c_extend uses it when SSE4.2 is missing), and
// whether crc32c_extend uses the SSE4.2 instruction. For tests and benchmarks.
uint32_t crc32c_extend_portable(uint32_t crc, const void* data, size_t n);
bool crc32c_hw_available();

// Masking keeps a CRC stored next to the data it covers from being a valid CRC of that data
// (LevelDB's reason): rotate right by 15 and add a constant.
constexpr uint32_t kCrcMaskDelta = 0xa282ead8u;
inline uint32_t crc_mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kCrcMaskDelta; }
inline uint32_t crc_unmask(uint32_t masked) {
  uint32_t rot = masked - kCrcMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace orderstream
