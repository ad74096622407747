#include "log/record.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "log/coding.h"
#include "common/crc32c.h"
#include "log/record_format.h"
#include "log/test_util.h"

namespace orderstream::log {
namespace {

// An owned record to encode: RecordData only borrows.
struct Sample {
  std::optional<std::string> key;
  std::optional<std::string> value;
  int64_t timestamp_ms = 0;
  std::vector<Header> headers;

  RecordData data() const {
    RecordData d;
    if (key) d.key = std::string_view(*key);
    if (value) d.value = std::string_view(*value);
    d.timestamp_ms = timestamp_ms;
    d.headers = headers;
    return d;
  }
  std::string encode(Offset offset) const {
    std::string out;
    encode_record(offset, timestamp_ms, data(), &out);
    return out;
  }
  Record expected(Offset offset) const { return Record{offset, timestamp_ms, key, value, headers}; }
};

Result<Record> decode(Offset offset, std::string_view stored) {
  RecordView v;
  OS_RETURN_IF_ERROR(decode_record(offset, stored, &v));
  CHECK(v.stored_bytes == stored.size());
  return Record::from_view(v);
}

void check_round_trip(const Sample& s, Offset offset) {
  std::string enc = s.encode(offset);
  CHECK(enc.size() >= format::kHeaderSize + format::kMinPayloadSize);
  auto r = decode(offset, enc);
  REQUIRE_OK(r);
  CHECK(*r == s.expected(offset));
}

Sample sample_with_everything() {
  return Sample{"order-42", "{\"state\":\"CREATED\"}", 1700000000123,
                {Header{"trace", "abc"}, Header{"nullable", std::nullopt}, Header{"", ""}}};
}

// Fixes the length field and CRC after a test edited a stored record, the way the writer computes
// them (record_format.h), so the decoder's structural checks are reached.
void reseal(Offset offset, std::string* stored) {
  uint32_t len = static_cast<uint32_t>(stored->size() - format::kHeaderSize);
  for (int i = 0; i < 4; ++i) (*stored)[4 + i] = static_cast<char>(len >> (8 * i));
  char key[8];
  encode_fixed64_be(key, static_cast<uint64_t>(offset.v));
  uint32_t crc = crc32c_extend(crc32c_extend(0, key, 8), stored->data() + 4, stored->size() - 4);
  crc = crc_mask(crc);
  for (int i = 0; i < 4; ++i) (*stored)[i] = static_cast<char>(crc >> (8 * i));
}

TEST_SUITE("record") {
  TEST_CASE("records round trip: empty, null key, tombstone, null header values, extremes") {
    SUBCASE("empty key and value") { check_round_trip(Sample{"", "", 0, {}}, Offset(0)); }
    SUBCASE("null key") { check_round_trip(Sample{std::nullopt, "v", 5, {}}, Offset(7)); }
    SUBCASE("tombstone") { check_round_trip(Sample{"k", std::nullopt, 5, {}}, Offset(8)); }
    SUBCASE("null key and null value") {
      check_round_trip(Sample{std::nullopt, std::nullopt, -3, {}}, Offset(1));
    }
    SUBCASE("headers with null values") { check_round_trip(sample_with_everything(), Offset(99)); }
    SUBCASE("extreme timestamps and offsets") {
      check_round_trip(Sample{"k", "v", INT64_MIN, {}}, Offset(INT64_MAX - 1));
      check_round_trip(Sample{"k", "v", INT64_MAX, {}}, Offset(0));
    }
    SUBCASE("max-ish sizes") {
      Sample s{std::string(511, 'k'), std::string(4u << 20, 'v'), 1, {}};
      for (int i = 0; i < 1000; ++i) s.headers.push_back(Header{"h" + std::to_string(i), "x"});
      check_round_trip(s, Offset(123456789));
    }
  }

  TEST_CASE("random records round trip") {
    std::mt19937_64 rng(test::test_seed("random records"));
    for (int i = 0; i < 500; ++i) {
      Sample s;
      if (rng() % 5) s.key = test::random_bytes(rng, rng() % 64);
      if (rng() % 5) s.value = test::random_bytes(rng, rng() % 2048);
      s.timestamp_ms = static_cast<int64_t>(rng());
      int headers = static_cast<int>(rng() % 4);
      for (int h = 0; h < headers; ++h)
        s.headers.push_back(Header{test::random_bytes(rng, rng() % 8),
                                   rng() % 3 ? std::optional(test::random_bytes(rng, rng() % 16))
                                             : std::nullopt});
      check_round_trip(s, Offset(static_cast<int64_t>(rng() >> 1)));
    }
  }

  TEST_CASE("every truncation point of an encoded record is Corruption") {
    Sample s = sample_with_everything();
    std::string enc = s.encode(Offset(3));
    for (size_t len = 0; len < enc.size(); ++len) {
      auto r = decode(Offset(3), std::string_view(enc).substr(0, len));
      REQUIRE_MESSAGE(r.status().code() == StatusCode::kCorruption, "length " << len);
    }
    std::string longer = enc + "x";
    CHECK(decode(Offset(3), longer).status().code() == StatusCode::kCorruption);
  }

  TEST_CASE("every single-bit flip in header and payload is detected") {
    for (const Sample& s : {sample_with_everything(), Sample{std::nullopt, std::nullopt, 0, {}}}) {
      std::string enc = s.encode(Offset(11));
      for (size_t bit = 0; bit < enc.size() * 8; ++bit) {
        std::string bad = enc;
        bad[bit / 8] = static_cast<char>(bad[bit / 8] ^ (1 << (bit % 8)));
        auto r = decode(Offset(11), bad);
        REQUIRE_MESSAGE(r.status().code() == StatusCode::kCorruption, "bit " << bit);
      }
    }
  }

  TEST_CASE("a record copied under another offset is detected and the error names the offset") {
    std::string enc = sample_with_everything().encode(Offset(5));
    auto r = decode(Offset(6), enc);
    CHECK(r.status().code() == StatusCode::kCorruption);
    CHECK(r.status().message().find("offset 6") != std::string::npos);
  }

  TEST_CASE("a valid CRC over a malformed body is still rejected") {
    Sample s{"abc", "def", 0, {Header{"h", "v"}}};
    std::string enc = s.encode(Offset(4));
    auto expect_bad = [&](std::string bad, const char* what) {
      reseal(Offset(4), &bad);
      auto r = decode(Offset(4), bad);
      CHECK_MESSAGE(r.status().code() == StatusCode::kCorruption, std::string(what));
      CHECK_MESSAGE(r.status().message().find(what) != std::string::npos, r.status().to_string());
    };
    std::string b = enc;
    b[format::kHeaderSize + 8] = 100;  // key_len, after the header and the timestamp
    expect_bad(b, "runs past the end");
    expect_bad(enc + "zz", "trailing bytes");
    b = enc;
    b[8] = 7;
    expect_bad(b, "unknown record type");
    b = enc;
    b[9] = 2;
    expect_bad(b, "unknown format version");
    b = enc;
    b[b.size() - 14] = 2;  // header count 1 -> 2 (before 4+1+4+1 header bytes): no second one
    expect_bad(b, "header 1 malformed");
    // And a resealed copy of the untouched record is fine, so reseal matches the writer.
    b = enc;
    reseal(Offset(4), &b);
    CHECK(b == enc);
  }
}

}  // namespace
}  // namespace orderstream::log
