// Kafka's record batch v2 (magic 2), the unit of Produce and Fetch: a 61-byte header (base
// offset, length, leader epoch, magic, CRC-32C, attributes, offset and timestamp bases, producer
// id/epoch/sequence, count) and varint-encoded records (key, value, headers). Decoding checks
// everything a broker must before storing a byte: sizes, magic, CRC, counts, offset deltas.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace orderstream::kafka {

struct BatchHeader {
  std::string key;
  std::optional<std::string> value;
};

struct BatchRecord {
  int64_t timestamp_ms = 0;  // absolute: the batch's base timestamp plus the record's delta
  int32_t offset_delta = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<BatchHeader> headers;
};

struct RecordBatch {
  int64_t base_offset = 0;
  int16_t attributes = 0;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  bool log_append_time = false;  // attribute bit 3
  std::vector<BatchRecord> records;
};

// Why a set of batches was refused, as Kafka's error code plus a message.
struct BatchError {
  int16_t code;
  std::string message;
};

inline constexpr int16_t kCorruptMessage = 2;
inline constexpr int16_t kUnsupportedCompressionType = 76;
inline constexpr int16_t kInvalidRecord = 87;

// Decodes every batch in `bytes` (a Produce partition's records), decompressing gzip, snappy,
// lz4 and zstd (an unknown codec is UNSUPPORTED_COMPRESSION_TYPE); control and transactional
// batches are INVALID_RECORD (this broker has no transactions).
std::optional<BatchError> decode_batches(std::string_view bytes, std::vector<RecordBatch>* out);

// Encodes one batch (for Fetch), with its CRC, its records compressed with the codec of
// batch.attributes' low bits. Records' offset deltas and timestamps are taken as given;
// base_timestamp is the first record's.
std::string encode_batch(const RecordBatch& batch);

}  // namespace orderstream::kafka
