#include "kafka/record_batch.h"

#include <algorithm>
#include <cassert>

#include "common/crc32c.h"
#include "kafka/compression.h"
#include "kafka/wire.h"

namespace orderstream::kafka {

namespace {

constexpr size_t kHeaderBytes = 61;              // through the record count
constexpr size_t kCrcCoveredFrom = 8 + 4 + 4 + 1 + 4;  // attributes start here
// A compressed batch may expand to at most this (a few KB of zeros can claim gigabytes).
constexpr size_t kMaxDecompressedBytes = 128u << 20;

std::optional<std::string> varint_bytes(Reader& r) {
  int32_t n = r.varint();
  if (n < -1) r.fail("negative length in a record");
  if (n < 0 || !r.ok()) return std::nullopt;
  return std::string(r.raw(static_cast<size_t>(n)));
}

std::optional<BatchError> decode_record(Reader& r, int64_t base_timestamp, BatchRecord* out) {
  int32_t length = r.varint();
  if (!r.ok() || length < 0 || static_cast<size_t>(length) > r.remaining())
    return BatchError{kCorruptMessage, "a record's length runs past its batch"};
  Reader rec(r.raw(static_cast<size_t>(length)));
  (void)rec.i8();  // attributes: unused in v2
  out->timestamp_ms = base_timestamp + rec.varlong();
  out->offset_delta = rec.varint();
  out->key = varint_bytes(rec);
  out->value = varint_bytes(rec);
  int32_t headers = rec.varint();
  if (headers < 0 || static_cast<size_t>(headers) > rec.remaining())
    return BatchError{kCorruptMessage, "a record's header count runs past it"};
  for (int32_t i = 0; i < headers && rec.ok(); ++i) {
    BatchHeader h;
    auto key = varint_bytes(rec);
    if (!key) rec.fail("a null header key");
    h.key = key.value_or("");
    h.value = varint_bytes(rec);
    out->headers.push_back(std::move(h));
  }
  if (!rec.ok() || rec.remaining() != 0)
    return BatchError{kCorruptMessage, "a record does not match its length" + (rec.ok() ? std::string() : ": " + rec.status().message())};
  return std::nullopt;
}

}  // namespace

std::optional<BatchError> decode_batches(std::string_view bytes, std::vector<RecordBatch>* out) {
  Reader r(bytes);
  while (r.remaining() > 0) {
    if (r.remaining() < kHeaderBytes) return BatchError{kCorruptMessage, "a record batch shorter than its header"};
    std::string_view start = r.rest();
    RecordBatch b;
    b.base_offset = r.i64();
    int32_t length = r.i32();
    if (length < static_cast<int32_t>(kHeaderBytes - 12) || static_cast<size_t>(length) > r.remaining())
      return BatchError{kCorruptMessage, "a record batch's length does not fit the request (" + std::to_string(length) + " of " + std::to_string(r.remaining()) + ")"};
    std::string_view whole = start.substr(0, 12 + static_cast<size_t>(length));
    (void)r.i32();  // partition leader epoch
    int8_t magic = r.i8();
    if (magic != 2)
      return BatchError{kCorruptMessage, "record batch magic " + std::to_string(magic) + " (only v2 batches, Produce v3+, are accepted)"};
    uint32_t crc = r.u32();
    if (crc32c(whole.substr(kCrcCoveredFrom)) != crc) return BatchError{kCorruptMessage, "record batch CRC mismatch"};
    b.attributes = r.i16();
    int32_t last_offset_delta = r.i32();
    int64_t base_timestamp = r.i64();
    (void)r.i64();  // max timestamp
    b.producer_id = r.i64();
    b.producer_epoch = r.i16();
    b.base_sequence = r.i32();
    int32_t count = r.i32();
    int codec = b.attributes & 0x07;
    b.log_append_time = (b.attributes & 0x08) != 0;
    if (codec > static_cast<int>(Codec::kZstd))
      return BatchError{kUnsupportedCompressionType, "unknown compression codec " + std::to_string(codec)};
    if (b.attributes & 0x30) return BatchError{kInvalidRecord, "transactional and control batches are not accepted"};
    if (count == 0) return BatchError{kInvalidRecord, "a record batch must hold at least one record"};
    if (count < 0 || count != last_offset_delta + 1)
      return BatchError{kCorruptMessage, "record count " + std::to_string(count) + " does not match lastOffsetDelta " +
                                             std::to_string(last_offset_delta)};
    std::string inflated;
    std::string_view record_bytes = whole.substr(kHeaderBytes);
    if (codec != 0) {
      auto plain = decompress(static_cast<Codec>(codec), record_bytes, kMaxDecompressedBytes);
      if (!plain.ok()) return BatchError{kCorruptMessage, plain.status().message()};
      inflated = std::move(*plain);
      record_bytes = inflated;
    }
    Reader records(record_bytes);
    for (int32_t i = 0; i < count; ++i) {
      BatchRecord rec;
      if (auto bad = decode_record(records, base_timestamp, &rec)) return bad;
      if (rec.offset_delta != i) return BatchError{kCorruptMessage, "record offset deltas must be 0, 1, 2, ..."};
      b.records.push_back(std::move(rec));
    }
    if (records.remaining() != 0) return BatchError{kCorruptMessage, "bytes after the last record of a batch"};
    (void)r.raw(static_cast<size_t>(length) - (kHeaderBytes - 12));
    out->push_back(std::move(b));
  }
  return std::nullopt;
}

namespace {

// Bytes of v as a zig-zag varint, as Writer::varlong (and varint, the same encoding) writes it.
size_t varint_size(int64_t value) {
  uint64_t v = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
  size_t n = 1;
  for (; v >= 0x80; v >>= 7) ++n;
  return n;
}

// A length-prefixed, nullable key or value: a null is the varint -1, one byte.
size_t field_size(const std::optional<std::string>& v) {
  return v ? varint_size(static_cast<int64_t>(v->size())) + v->size() : 1;
}
void put_field(Writer& w, const std::optional<std::string>& v) {
  if (!v) return w.varint(-1);
  w.varint(static_cast<int32_t>(v->size()));
  w.raw(*v);
}

// A record's bytes after its length prefix.
size_t body_size(const BatchRecord& rec, int64_t base_ts) {
  size_t n = 1 + varint_size(rec.timestamp_ms - base_ts) + varint_size(rec.offset_delta) + field_size(rec.key) +
             field_size(rec.value) + varint_size(static_cast<int64_t>(rec.headers.size()));
  for (const BatchHeader& h : rec.headers)
    n += varint_size(static_cast<int64_t>(h.key.size())) + h.key.size() + field_size(h.value);
  return n;
}

// Appends the records, each straight into w: a Fetch of 10,000 records copies each value once
// here, not through a buffer per record and another per batch.
void put_records(Writer& w, const RecordBatch& batch, int64_t base_ts) {
  for (const BatchRecord& rec : batch.records) {
    w.varint(static_cast<int32_t>(body_size(rec, base_ts)));
    w.i8(0);
    w.varlong(rec.timestamp_ms - base_ts);
    w.varint(rec.offset_delta);
    put_field(w, rec.key);
    put_field(w, rec.value);
    w.varint(static_cast<int32_t>(rec.headers.size()));
    for (const BatchHeader& h : rec.headers) {
      w.varint(static_cast<int32_t>(h.key.size()));
      w.raw(h.key);
      put_field(w, h.value);
    }
  }
}

}  // namespace

std::string encode_batch(const RecordBatch& batch) {
  int64_t base_ts = batch.records.empty() ? 0 : batch.records.front().timestamp_ms;
  int64_t max_ts = base_ts;
  size_t records_bytes = 0;
  for (const BatchRecord& rec : batch.records) {
    max_ts = std::max(max_ts, rec.timestamp_ms);
    size_t body = body_size(rec, base_ts);
    records_bytes += varint_size(static_cast<int64_t>(body)) + body;
  }
  auto codec = static_cast<Codec>(batch.attributes & 0x07);
  int32_t last_delta = batch.records.empty() ? 0 : batch.records.back().offset_delta;
  Writer out;
  out.reserve(kHeaderBytes + (codec == Codec::kNone ? records_bytes : 0));
  out.i64(batch.base_offset);
  out.i32(0);  // batch length, patched below
  out.i32(0);  // partition leader epoch
  out.i8(2);
  out.u32(0);  // CRC-32C of attributes .. records, patched below
  out.i16(batch.attributes);
  out.i32(last_delta);
  out.i64(base_ts);
  out.i64(max_ts);
  out.i64(batch.producer_id);
  out.i16(batch.producer_epoch);
  out.i32(batch.base_sequence);
  out.i32(static_cast<int32_t>(batch.records.size()));
  if (codec == Codec::kNone) {
    put_records(out, batch, base_ts);
  } else {
    Writer recs;
    recs.reserve(records_bytes);
    put_records(recs, batch, base_ts);
    auto packed = compress(codec, recs.bytes());
    out.raw(packed.ok() ? *packed : recs.bytes());
  }
  assert(codec != Codec::kNone || out.size() == kHeaderBytes + records_bytes);
  out.patch_i32(8, static_cast<int32_t>(out.size() - 12));  // what follows the length field
  out.patch_i32(kCrcCoveredFrom - 4,
                static_cast<int32_t>(crc32c(std::string_view(out.bytes()).substr(kCrcCoveredFrom))));
  return out.take();
}

}  // namespace orderstream::kafka
