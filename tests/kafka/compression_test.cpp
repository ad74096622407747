#include "kafka/compression.h"

#include <doctest/doctest.h>

namespace orderstream::kafka {
namespace {

TEST_SUITE("kafka compression") {
  TEST_CASE("every codec round-trips and stops at the output bound") {
    const std::string zeros(1 << 20, '\0');
    for (Codec c : {Codec::kGzip, Codec::kSnappy, Codec::kLz4, Codec::kZstd}) {
      CAPTURE(static_cast<int>(c));
      auto packed = compress(c, zeros);
      REQUIRE(packed.ok());
      CHECK(packed->size() < zeros.size() / 10);
      auto back = decompress(c, *packed, zeros.size());
      REQUIRE(back.ok());
      CHECK(*back == zeros);
      // The same bytes may not expand past a smaller bound: no decompression bomb.
      CHECK_FALSE(decompress(c, *packed, 1000).ok());
      CHECK_FALSE(decompress(c, "not compressed at all", 1000).ok());
    }
  }

  TEST_CASE("snappy in the xerial framing of Java clients decodes block by block") {
    std::string part1 = "first block ", part2 = "second block";
    std::string framed("\x82SNAPPY\0\0\0\0\1\0\0\0\1", 16);
    for (const std::string& p : {part1, part2}) {
      auto block = compress(Codec::kSnappy, p);
      REQUIRE(block.ok());
      uint32_t n = static_cast<uint32_t>(block->size());
      framed += std::string{static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8), static_cast<char>(n)};
      framed += *block;
    }
    auto out = decompress(Codec::kSnappy, framed, 1000);
    REQUIRE(out.ok());
    CHECK(*out == part1 + part2);
  }
}

}  // namespace
}  // namespace orderstream::kafka
