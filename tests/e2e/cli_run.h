// run_cli: runs the orderstream binary with arguments in a test's temp dir and collects its exit
// code, stdout and stderr. One call per test thread.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/process.h"

namespace orderstream::test {

struct CliRun {
  int code;
  std::string out, err;
};

// REQUIRES: the command exits within two minutes (the test fails otherwise).
inline CliRun run_cli(const std::string& dir, std::vector<std::string> args) {
  args.insert(args.begin(), OS_BINARY);
  ChildProcess p(args, dir);
  auto code = p.wait_exit(std::chrono::seconds(120));
  REQUIRE(code.has_value());
  return {*code, p.stdout_text(), p.stderr_text()};
}

}  // namespace orderstream::test
