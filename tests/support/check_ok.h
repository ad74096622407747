// CHECK_OK / REQUIRE_OK: doctest assertions on a Status or Result<T> that print status.to_string()
// when it is not OK.
#pragma once

#include <doctest/doctest.h>

#include "common/status.h"

namespace orderstream::test {

inline Status status_of(const Status& s) { return s; }
template <class T>
Status status_of(const Result<T>& r) {
  return r.status();
}

}  // namespace orderstream::test

#define CHECK_OK(expr)                                                         \
  do {                                                                         \
    ::orderstream::Status os_check_st_ = ::orderstream::test::status_of(expr); \
    CHECK_MESSAGE(os_check_st_.is_ok(), os_check_st_.to_string());             \
  } while (0)

#define REQUIRE_OK(expr)                                                       \
  do {                                                                         \
    ::orderstream::Status os_check_st_ = ::orderstream::test::status_of(expr); \
    REQUIRE_MESSAGE(os_check_st_.is_ok(), os_check_st_.to_string());           \
  } while (0)
