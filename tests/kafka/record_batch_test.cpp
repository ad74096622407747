#include "kafka/record_batch.h"

#include <doctest/doctest.h>

#include "common/crc32c.h"
#include "kafka/wire.h"

namespace orderstream::kafka {
namespace {

RecordBatch sample() {
  RecordBatch b;
  b.base_offset = 0;
  for (int i = 0; i < 3; ++i) {
    BatchRecord& r = b.records.emplace_back();
    r.timestamp_ms = 1700000000000 + i;
    r.offset_delta = i;
    r.key = "k" + std::to_string(i);
    if (i != 1) r.value = "v" + std::to_string(i);  // one tombstone
    r.headers.push_back({"src", i == 2 ? std::nullopt : std::optional<std::string>("kcat")});
  }
  return b;
}

TEST_SUITE("kafka record batch") {
  TEST_CASE("an encoded batch decodes to the same records, tombstones and null header values included") {
    std::string bytes = encode_batch(sample());
    std::vector<RecordBatch> out;
    REQUIRE_FALSE(decode_batches(bytes + encode_batch(sample()), &out).has_value());
    REQUIRE(out.size() == 2);
    REQUIRE(out[0].records.size() == 3);
    CHECK(out[0].records[0].key == "k0");
    CHECK(out[0].records[1].value == std::nullopt);
    CHECK(out[0].records[2].timestamp_ms == 1700000000002);
    CHECK(out[0].records[0].headers[0].value == "kcat");
    CHECK(out[0].records[2].headers[0].value == std::nullopt);
  }

  TEST_CASE("a flipped bit, a wrong magic, a short batch, an empty one or a bad codec is refused with its Kafka error") {
    std::string good = encode_batch(sample());
    std::vector<RecordBatch> out;
    std::string flipped = good;
    flipped.back() ^= 0x01;
    auto crc = decode_batches(flipped, &out);
    REQUIRE(crc.has_value());
    CHECK(crc->code == kCorruptMessage);

    std::string magic = good;
    magic[16] = 1;
    CHECK(decode_batches(magic, &out)->code == kCorruptMessage);
    CHECK(decode_batches(good.substr(0, 40), &out)->code == kCorruptMessage);
    CHECK(decode_batches(good.substr(0, good.size() - 1), &out)->code == kCorruptMessage);

    RecordBatch unknown = sample();
    unknown.attributes = 5;  // no such codec
    CHECK(decode_batches(encode_batch(unknown), &out)->code == kUnsupportedCompressionType);
    RecordBatch txn = sample();
    txn.attributes = 0x10;
    CHECK(decode_batches(encode_batch(txn), &out)->code == kInvalidRecord);
    RecordBatch empty = sample();
    empty.records.clear();  // no sequence range for an idempotent producer: Kafka refuses it too
    CHECK(decode_batches(encode_batch(empty), &out)->code == kInvalidRecord);
  }

  TEST_CASE("batches compressed with gzip, snappy, lz4 and zstd decode to the same records") {
    for (int16_t codec : {1, 2, 3, 4}) {
      CAPTURE(codec);
      RecordBatch b = sample();
      b.attributes = codec;
      std::string bytes = encode_batch(b);
      CHECK(bytes.size() != encode_batch(sample()).size());  // really compressed
      std::vector<RecordBatch> out;
      auto bad = decode_batches(bytes, &out);
      REQUIRE_MESSAGE(!bad.has_value(), bad->message);
      REQUIRE(out[0].records.size() == 3);
      CHECK(out[0].records[2].value == "v2");
      CHECK(out[0].records[0].headers[0].value == "kcat");
    }
  }

  TEST_CASE("a compressed batch whose data is damaged is CORRUPT_MESSAGE, not a crash") {
    for (int16_t codec : {1, 2, 3, 4}) {
      CAPTURE(codec);
      RecordBatch b = sample();
      b.attributes = codec;
      std::string bytes = encode_batch(b);
      std::string cut = bytes.substr(0, bytes.size() - 6);
      // Fix the length and the CRC so only the compressed data is wrong.
      Writer len;
      len.i32(static_cast<int32_t>(cut.size() - 12));
      cut.replace(8, 4, len.bytes());
      Writer crc;
      crc.u32(orderstream::crc32c(std::string_view(cut).substr(21)));
      cut.replace(17, 4, crc.bytes());
      std::vector<RecordBatch> out;
      auto bad = decode_batches(cut, &out);
      REQUIRE(bad.has_value());
      CHECK(bad->code == kCorruptMessage);
    }
  }

  TEST_CASE("records whose sizes and deltas cross varint byte boundaries encode with exact lengths") {
    // zig-zag varints grow a byte at 64, 8192 and 1048576; a length prefix one byte off shifts
    // every later record, so decoding with its size and CRC checks proves each prefix exact.
    RecordBatch b;
    int32_t i = 0;
    for (size_t size : {0, 1, 63, 64, 127, 128, 8191, 8192, 1048576}) {
      BatchRecord& r = b.records.emplace_back();
      r.timestamp_ms = 1700000000000 + (i % 2 ? -70 * i : 9000 * i);  // negative deltas too
      r.offset_delta = i++;
      r.key = std::string(size % 100, 'k');
      r.value = std::string(size, static_cast<char>('a' + i));
      for (int h = 0; h < 70; ++h) r.headers.push_back({std::string(size % 65, 'h'), std::string(h, 'v')});
    }
    b.records.emplace_back().offset_delta = i;  // null key and value, no headers
    std::vector<RecordBatch> out;
    REQUIRE_FALSE(decode_batches(encode_batch(b), &out).has_value());
    REQUIRE(out.size() == 1);
    REQUIRE(out[0].records.size() == b.records.size());
    for (size_t n = 0; n < b.records.size(); ++n) {
      CHECK(out[0].records[n].timestamp_ms == b.records[n].timestamp_ms);
      CHECK(out[0].records[n].key == b.records[n].key);
      CHECK(out[0].records[n].value == b.records[n].value);
      REQUIRE(out[0].records[n].headers.size() == b.records[n].headers.size());
      if (!b.records[n].headers.empty()) CHECK(out[0].records[n].headers[69].value == b.records[n].headers[69].value);
    }
  }

  TEST_CASE("offset deltas with gaps (a compacted partition) encode, and produce decoding requires 0, 1, 2") {
    RecordBatch b = sample();
    b.records[1].offset_delta = 5;
    b.records[2].offset_delta = 9;
    std::vector<RecordBatch> out;
    auto bad = decode_batches(encode_batch(b), &out);
    REQUIRE(bad.has_value());  // lastOffsetDelta 9 with 3 records: not a producer's batch
    CHECK(bad->code == kCorruptMessage);
  }
}

}  // namespace
}  // namespace orderstream::kafka
