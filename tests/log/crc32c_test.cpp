#include "common/crc32c.h"

#include <doctest/doctest.h>

#include <random>
#include <string>

#include "log/test_util.h"

namespace orderstream::log {
namespace {

TEST_SUITE("crc32c") {
  TEST_CASE("the standard check value of \"123456789\" is 0xE3069283") {
    CHECK(crc32c("123456789") == 0xE3069283u);
    CHECK(crc32c_extend_portable(0, "123456789", 9) == 0xE3069283u);
    CHECK(crc32c("") == 0u);
  }

  TEST_CASE("extending in pieces equals one pass") {
    std::string s = "The quick brown fox jumps over the lazy dog, twice over.";
    for (size_t cut = 0; cut <= s.size(); ++cut) {
      uint32_t c = crc32c_extend(crc32c_extend(0, s.data(), cut), s.data() + cut, s.size() - cut);
      CHECK(c == crc32c(s));
    }
  }

  TEST_CASE("the hardware and table paths agree on random data of every length and alignment") {
    MESSAGE("hardware crc32c available: " << crc32c_hw_available());
    std::mt19937_64 rng(test::test_seed("crc32c random data"));
    std::string buf = test::random_bytes(rng, 4096 + 16);
    for (int i = 0; i < 2000; ++i) {
      size_t off = rng() % 16;
      size_t len = i < 100 ? static_cast<size_t>(i) : rng() % 4096;
      uint32_t seed = i % 2 ? static_cast<uint32_t>(rng()) : 0;
      REQUIRE(crc32c_extend(seed, buf.data() + off, len) ==
              crc32c_extend_portable(seed, buf.data() + off, len));
    }
  }

  TEST_CASE("mask and unmask round trip and the mask changes the value") {
    std::mt19937_64 rng(test::test_seed("crc mask"));
    for (uint32_t c : {0u, 1u, 0xffffffffu, 0xE3069283u}) {
      CHECK(crc_unmask(crc_mask(c)) == c);
      CHECK(crc_mask(c) != c);
    }
    for (int i = 0; i < 10000; ++i) {
      uint32_t c = static_cast<uint32_t>(rng());
      REQUIRE(crc_unmask(crc_mask(c)) == c);
    }
  }
}

}  // namespace
}  // namespace orderstream::log
