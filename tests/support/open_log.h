// open_log: a fresh Log in a test's temp dir (created if missing, default options), the setup
// most unit tests above the log layer start from. REQUIREs that it opens.
#pragma once

#include <doctest/doctest.h>

#include <memory>

#include "log/log.h"
#include "support/check_ok.h"
#include "support/temp_dir.h"

namespace orderstream::test {

inline std::unique_ptr<log::Log> open_log(const TempDir& dir) {
  log::LogOptions o;
  o.dir = dir.file("data");
  o.create_if_missing = true;
  auto opened = log::Log::open(o);
  REQUIRE_OK(opened);
  return std::move(*opened);
}

}  // namespace orderstream::test
