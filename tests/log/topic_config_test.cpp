#include "log/topic_config.h"

#include <doctest/doctest.h>

#include <string>

#include "support/check_ok.h"

namespace orderstream::log {
namespace {

TEST_SUITE("topic_config") {
  TEST_CASE("defaults are Kafka's") {
    TopicConfig c;
    CHECK(c.cleanup_policy == CleanupPolicy::kDelete);
    CHECK(c.retention_ms == 604800000);
    CHECK(c.retention_bytes == -1);
    CHECK(c.delete_retention_ms == 86400000);
  }

  TEST_CASE("format and parse round trip") {
    TopicConfig c;
    c.cleanup_policy = CleanupPolicy::kCompact;
    c.retention_ms = -1;
    c.retention_bytes = 1 << 20;
    c.delete_retention_ms = 0;
    c.timestamp_type = TimestampType::kLogAppendTime;
    std::string text = format_config(c);
    CHECK(text ==
          "cleanup.policy=compact,retention.ms=-1,retention.bytes=1048576,delete.retention.ms=0,"
          "message.timestamp.type=LogAppendTime");
    auto back = parse_config(text);
    REQUIRE_OK(back);
    CHECK(*back == c);
    auto nl = parse_config(format_config(c, '\n'), '\n');
    REQUIRE_OK(nl);
    CHECK(*nl == c);
    CHECK(config_entries(c).size() == 5);
  }

  TEST_CASE("parse starts from defaults and applies keys in order") {
    auto empty = parse_config("");
    REQUIRE_OK(empty);
    CHECK(*empty == TopicConfig{});
    auto c = parse_config("retention.ms=5,retention.ms=9223372036854775807");
    REQUIRE_OK(c);
    CHECK(c->retention_ms == INT64_MAX);
  }

  TEST_CASE("bad keys and values are InvalidArgument naming the key") {
    for (const char* bad :
         {"cleanup.policy=compact,delete", "cleanup.policy=Compact", "cleanup.policy=",
          "retention.ms=abc", "retention.ms=-2", "retention.ms=1.5", "retention.ms=",
          "retention.bytes=-5", "delete.retention.ms=-1", "retention.ms=99999999999999999999",
          "segment.bytes=1", "noequals", "message.timestamp.type=logappendtime"}) {
      TopicConfig c;
      auto r = parse_config(bad);
      CHECK_MESSAGE(r.status().code() == StatusCode::kInvalidArgument, bad);
    }
    TopicConfig c;
    Status st = apply_config(&c, "segment.ms=1");
    CHECK(st.code() == StatusCode::kInvalidArgument);
    CHECK(st.message().find("segment.ms") != std::string::npos);
    CHECK(c == TopicConfig{});
  }

  TEST_CASE("topic names follow Kafka's rules") {
    for (const char* ok : {"orders", "a", "order-validations", "x.y_z-0", "A9"})
      CHECK_MESSAGE(validate_topic_name(ok).is_ok(), ok);
    CHECK_OK(validate_topic_name(std::string(249, 'a')));
    for (const char* bad : {"", ".", "..", "a/b", "a b", "tópic", "a\nb", "a\\b", "a:b"})
      CHECK_MESSAGE(validate_topic_name(bad).code() == StatusCode::kInvalidArgument, bad);
    CHECK(validate_topic_name(std::string(250, 'a')).code() == StatusCode::kInvalidArgument);
    CHECK(validate_topic_name(std::string("a\0b", 3)).code() == StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace orderstream::log
