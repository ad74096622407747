#include "log/partitioner.h"

#include <doctest/doctest.h>

#include <string>

namespace orderstream::log {
namespace {

TEST_SUITE("partitioner") {
  TEST_CASE("murmur2 matches Kafka's UtilsTest.testMurmur2 vectors") {
    CHECK(murmur2("21") == -973932308);
    CHECK(murmur2("foobar") == -790332482);
    CHECK(murmur2("a-little-bit-long-string") == -985981536);
    CHECK(murmur2("a-little-bit-longer-string") == -1486304829);
    CHECK(murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8") == -58897971);
    const char abc[] = {'a', 'b', 'c'};
    CHECK(murmur2(std::string_view(abc, 3)) == 479470107);
  }

  TEST_CASE("partition_for_key is Kafka's toPositive(murmur2) modulo the partition count") {
    // toPositive(-973932308) = -973932308 & 0x7fffffff = 1173551340.
    CHECK(partition_for_key("21", 7) == PartitionId(1173551340 % 7));
    CHECK(partition_for_key("anything", 1) == PartitionId(0));
  }

  TEST_CASE("partition_for_key is in range and stable") {
    for (int32_t n : {1, 2, 3, 8, 13, 1024}) {
      for (int i = 0; i < 500; ++i) {
        std::string key = "key-" + std::to_string(i);
        PartitionId p = partition_for_key(key, n);
        REQUIRE(p.v >= 0);
        REQUIRE(p.v < n);
        REQUIRE(partition_for_key(key, n) == p);
      }
    }
    // Bytes >= 0x80 are unsigned in the hash (Java masks with 0xff).
    std::string high = "\xff\xfe\x80";
    PartitionId p = partition_for_key(high, 5);
    CHECK(p.v >= 0);
    CHECK(p.v < 5);
  }
}

}  // namespace
}  // namespace orderstream::log
