#include "kafka/record_batch.h"

#include <algorithm>

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

std::string encode_batch(const RecordBatch& batch) {
  int64_t base_ts = batch.records.empty() ? 0 : batch.records.front().timestamp_ms;
  int64_t max_ts = base_ts;
  Writer recs;
  for (const BatchRecord& rec : batch.records) {
    max_ts = std::max(max_ts, rec.timestamp_ms);
    Writer body;
    body.i8(0);
    body.varlong(rec.timestamp_ms - base_ts);
    body.varint(rec.offset_delta);
    auto put = [&](const std::optional<std::string>& v) {
      if (!v) return body.varint(-1);
      body.varint(static_cast<int32_t>(v->size()));
      body.raw(*v);
    };
    put(rec.key);
    put(rec.value);
    body.varint(static_cast<int32_t>(rec.headers.size()));
    for (const BatchHeader& h : rec.headers) {
      put(h.key);
      put(h.value);
    }
    recs.varint(static_cast<int32_t>(body.size()));
    recs.raw(body.bytes());
  }
  int32_t last_delta = batch.records.empty() ? 0 : batch.records.back().offset_delta;
  Writer after_crc;  // attributes .. records: what the CRC covers
  after_crc.i16(batch.attributes);
  after_crc.i32(last_delta);
  after_crc.i64(base_ts);
  after_crc.i64(max_ts);
  after_crc.i64(batch.producer_id);
  after_crc.i16(batch.producer_epoch);
  after_crc.i32(batch.base_sequence);
  after_crc.i32(static_cast<int32_t>(batch.records.size()));
  auto packed = compress(static_cast<Codec>(batch.attributes & 0x07), recs.bytes());
  after_crc.raw(packed.ok() ? *packed : recs.bytes());
  Writer out;
  out.i64(batch.base_offset);
  out.i32(static_cast<int32_t>(4 + 1 + 4 + after_crc.size()));
  out.i32(0);  // partition leader epoch
  out.i8(2);
  out.u32(crc32c(after_crc.bytes()));
  out.raw(after_crc.bytes());
  return out.take();
}

}  // namespace orderstream::kafka
