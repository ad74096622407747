// ApiVersions and Metadata, field by field against Kafka's message schemas.
#include <doctest/doctest.h>

#include "kafka/api_versions.h"
#include "kafka/metadata.h"
#include "kafka/protocol.h"
#include "kafka/wire.h"

namespace orderstream::kafka {
namespace {

TEST_SUITE("kafka messages") {
  TEST_CASE("the request header gives key, version, correlation id and client id") {
    Writer w;
    w.i16(3);
    w.i16(4);
    w.i32(77);
    w.string("kcat");
    w.raw("body");
    auto h = parse_request_header(w.bytes());
    REQUIRE(h.ok());
    CHECK(h->api_key == 3);
    CHECK(h->api_version == 4);
    CHECK(h->correlation_id == 77);
    CHECK(h->client_id == "kcat");
    CHECK(h->body == "body");
    CHECK_FALSE(parse_request_header(std::string_view("\x00\x03\x00", 3)).ok());
  }

  TEST_CASE("ApiVersions lists every supported range, v1 and v2 add throttle time, v3 is UNSUPPORTED_VERSION in v0 shape") {
    for (int16_t version : {0, 1, 2, 3}) {
      CAPTURE(version);
      const std::string body = api_versions_response(version);
      Reader r(body);
      CHECK(r.i16() == (version <= 2 ? errors::kNone : errors::kUnsupportedVersion));
      auto n = r.array_length(6);
      REQUIRE(n);
      CHECK(static_cast<size_t>(*n) == supported_versions().size());
      bool has_metadata = false;
      for (int32_t i = 0; i < *n; ++i) {
        int16_t key = r.i16(), min = r.i16(), max = r.i16();
        CHECK(min <= max);
        if (key == 3) has_metadata = min == 0 && max == 4;
      }
      CHECK(has_metadata);
      if (version == 1 || version == 2) CHECK(r.i32() == 0);
      CHECK(r.ok());
      CHECK(r.remaining() == 0);
    }
  }

  TEST_CASE("Metadata requests: v0 empty means all, v1 null means all and empty none, v4 carries auto-creation") {
    Writer v0;
    v0.array_length(0);
    auto all0 = parse_metadata_request(0, v0.bytes());
    REQUIRE(all0.ok());
    CHECK_FALSE(all0->topics.has_value());

    Writer v1;
    v1.array_length(-1);
    auto all1 = parse_metadata_request(1, v1.bytes());
    REQUIRE(all1.ok());
    CHECK_FALSE(all1->topics.has_value());
    auto none1 = parse_metadata_request(1, v0.bytes());
    REQUIRE(none1.ok());
    REQUIRE(none1->topics.has_value());
    CHECK(none1->topics->empty());

    Writer v4;
    v4.array_length(1);
    v4.string("clicks");
    v4.boolean(false);
    auto named = parse_metadata_request(4, v4.bytes());
    REQUIRE(named.ok());
    CHECK(*named->topics == std::vector<std::string>{"clicks"});
    CHECK_FALSE(named->allow_auto_topic_creation);
    CHECK_FALSE(parse_metadata_request(0, v1.bytes()).ok());  // v0 has no null array
    CHECK_FALSE(parse_metadata_request(4, v0.bytes()).ok());  // the v4 flag is missing
  }

  TEST_CASE("Metadata responses carry the fields of their version") {
    MetadataResponse m{"127.0.0.1", 9092, "cluster", {{0, "orders", false, 2}, {3, "missing", false, 0}}};
    for (int16_t version : {0, 1, 2, 3, 4}) {
      CAPTURE(version);
      const std::string body = encode_metadata_response(version, m);
      Reader r(body);
      if (version >= 3) CHECK(r.i32() == 0);  // throttle
      REQUIRE(r.array_length(4) == 1);
      CHECK(r.i32() == 0);
      CHECK(r.string() == "127.0.0.1");
      CHECK(r.i32() == 9092);
      if (version >= 1) CHECK_FALSE(r.nullable_string().has_value());  // rack
      if (version >= 2) CHECK(r.nullable_string() == "cluster");
      if (version >= 1) CHECK(r.i32() == 0);  // controller
      REQUIRE(r.array_length(4) == 2);
      CHECK(r.i16() == 0);
      CHECK(r.string() == "orders");
      if (version >= 1) CHECK_FALSE(r.boolean());
      REQUIRE(r.array_length(4) == 2);
      for (int32_t p = 0; p < 2; ++p) {
        CHECK(r.i16() == 0);
        CHECK(r.i32() == p);
        CHECK(r.i32() == 0);  // leader
        CHECK(r.array_length(4) == 1);
        CHECK(r.i32() == 0);
        CHECK(r.array_length(4) == 1);
        CHECK(r.i32() == 0);
      }
      CHECK(r.i16() == 3);
      CHECK(r.string() == "missing");
      if (version >= 1) (void)r.boolean();
      CHECK(r.array_length(4) == 0);
      CHECK(r.ok());
      CHECK(r.remaining() == 0);
    }
  }
}

}  // namespace
}  // namespace orderstream::kafka
