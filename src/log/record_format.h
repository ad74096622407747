// The stored form of one record (the LMDB value; the key is the 8-byte big-endian offset).
//
//   value   := header payload
//   header  := masked_crc32c:u32le  payload_len:u32le  type:u8  version:u8      (10 bytes)
//   payload := timestamp_ms:i64le  key_len:i32le key  value_len:i32le value
//              header_count:u32le { hkey_len:u32le hkey  hval_len:i32le hval }*
//   a length of -1 means null (a null value is a tombstone).
//
// The CRC covers the offset key (8 bytes big-endian) and every byte after the CRC field, so a
// record copied under another offset is detected as well as a flipped bit.
#pragma once

#include <cstddef>
#include <cstdint>

namespace orderstream::log::format {

constexpr size_t kCrcSize = 4;
constexpr size_t kLengthSize = 4;
constexpr size_t kHeaderSize = kCrcSize + kLengthSize + 1 + 1;
static_assert(kHeaderSize == 10);

constexpr uint8_t kTypeFull = 1;   // one complete record (the only type of version 1)
constexpr uint8_t kVersion = 1;

constexpr size_t kMinPayloadSize = 8 + 4 + 4 + 4;  // timestamp, key len, value len, header count
constexpr int32_t kNullLength = -1;
// Keeps one record well inside LMDB's limits and any sane use.
constexpr size_t kMaxPayloadSize = 64u << 20;

}  // namespace orderstream::log::format
