#include "api/api_token.h"

#include <doctest/doctest.h>

namespace orderstream::api {
namespace {

TEST_SUITE("http api token") {
  TEST_CASE("constant_time_equal compares whole strings") {
    CHECK(constant_time_equal("secret", "secret"));
    CHECK_FALSE(constant_time_equal("secreX", "secret"));
    CHECK_FALSE(constant_time_equal("secret2", "secret"));
    CHECK_FALSE(constant_time_equal("secre", "secret"));
    CHECK_FALSE(constant_time_equal("", "secret"));
    CHECK_FALSE(constant_time_equal(std::string_view("secret\0", 7), "secret"));
  }

  TEST_CASE("loopback hosts are 127.0.0.0/8, ::1 and localhost") {
    for (const char* h : {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"}) CHECK_MESSAGE(is_loopback_host(h), h);
    for (const char* h : {"0.0.0.0", "::", "10.0.0.1", "192.168.1.10", "example.com", ""})
      CHECK_MESSAGE(!is_loopback_host(h), h);
  }
}

}  // namespace
}  // namespace orderstream::api
