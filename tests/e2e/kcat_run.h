// kcat (librdkafka's command-line client) against a ServerFixture's Kafka listener: its argv, and
// one run to completion with stdin from a string. One call per test thread.
#pragma once

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "e2e/cli_run.h"
#include "e2e/server_fixture.h"

namespace orderstream::test {

// /usr/bin/kcat -b the listener, then `args` (for a ChildProcess that keeps running).
inline std::vector<std::string> kcat_argv(ServerFixture& s, std::vector<std::string> args) {
  REQUIRE_MESSAGE(std::filesystem::exists("/usr/bin/kcat"), "kcat is missing: scripts/deps.sh installs it");
  args.insert(args.begin(), {"/usr/bin/kcat", "-b", "127.0.0.1:" + std::to_string(s.kafka_port)});
  return args;
}

// Runs kcat with `args` and `input` on stdin. REQUIRES: it exits within a minute.
inline CliRun kcat_run(ServerFixture& s, std::vector<std::string> args, const std::string& input = "") {
  std::string cmd;
  for (const std::string& a : kcat_argv(s, std::move(args))) cmd += "'" + a + "' ";
  std::string in = s.dir.file("kcat.stdin");
  {
    std::FILE* f = std::fopen(in.c_str(), "w");
    REQUIRE(f != nullptr);
    std::fputs(input.c_str(), f);
    std::fclose(f);
  }
  ChildProcess p({"/bin/sh", "-c", "exec " + cmd + " < '" + in + "'"}, s.dir.str());
  auto code = p.wait_exit(std::chrono::seconds(60));
  REQUIRE(code.has_value());
  return {*code, p.stdout_text(), p.stderr_text()};
}

}  // namespace orderstream::test
