// Records of the log: what producers hand in (RecordData), what readers see during a scan
// (RecordView, borrowed), and an owned copy (Record). Encoding and verifying decoding of the
// stored form (record_format.h). Value types and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/strong_int.h"

namespace orderstream::log {

struct Header {
  std::string key;
  std::optional<std::string> value;
  bool operator==(const Header&) const = default;
};

// Timestamp meaning "stamp with the append time".
constexpr int64_t kNowTimestamp = -1;

// What a producer appends. Views must stay valid until the append call returns.
struct RecordData {
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;  // nullopt = tombstone
  int64_t timestamp_ms = kNowTimestamp;
  std::span<const Header> headers;
};

// A decoded record borrowed from the store: views valid inside the scan callback, and for a
// ReadView's scan (a read-only snapshot, whose pages LMDB never reuses while it lives) as long
// as that ReadView lives; a WriteTxn's may move as the txn writes.
struct RecordView {
  Offset offset;
  int64_t timestamp_ms = 0;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  std::string_view encoded_headers;  // parse with headers()
  size_t stored_bytes = 0;           // size of the stored value, header included

  std::vector<Header> headers() const;
};

// An owned record.
struct Record {
  Offset offset;
  int64_t timestamp_ms = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<Header> headers;

  static Record from_view(const RecordView& v);
  bool operator==(const Record&) const = default;
};

// Appends the stored form of `r` at `offset` with timestamp `timestamp_ms` to *out.
void encode_record(Offset offset, int64_t timestamp_ms, const RecordData& r, std::string* out);
// Size of the stored form of `r`.
size_t encoded_size(const RecordData& r);
// Writes the stored form into out[0, size). REQUIRES: size == encoded_size(r).
void encode_record_to(Offset offset, int64_t timestamp_ms, const RecordData& r, char* out,
                      size_t size);

// Verifies and decodes a stored value found under `offset`. Corruption names what is wrong;
// views in *out point into `stored`.
Status decode_record(Offset offset, std::string_view stored, RecordView* out);

}  // namespace orderstream::log
