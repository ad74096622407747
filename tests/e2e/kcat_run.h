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

// Runs `argv` (kcat's) with `input` on stdin, its files in `dir`. REQUIRES: it exits within a minute.
inline CliRun kcat_run_argv(const TempDir& dir, const std::vector<std::string>& argv,
                            const std::string& input) {
  std::string cmd;
  for (const std::string& a : argv) cmd += "'" + a + "' ";
  std::string in = dir.file("kcat.stdin");
  {
    std::FILE* f = std::fopen(in.c_str(), "w");
    REQUIRE(f != nullptr);
    std::fputs(input.c_str(), f);
    std::fclose(f);
  }
  ChildProcess p({"/bin/sh", "-c", "exec " + cmd + " < '" + in + "'"}, dir.str());
  auto code = p.wait_exit(std::chrono::seconds(60));
  REQUIRE(code.has_value());
  return {*code, p.stdout_text(), p.stderr_text()};
}

// Runs kcat against the server's listener with `args` and `input` on stdin.
inline CliRun kcat_run(ServerFixture& s, std::vector<std::string> args, const std::string& input = "") {
  return kcat_run_argv(s.dir, kcat_argv(s, std::move(args)), input);
}

// Runs kcat against `bootstrap` (e.g. a MockKafka's) with `args` and `input` on stdin.
inline CliRun kcat_run_at(const TempDir& dir, const std::string& bootstrap, std::vector<std::string> args,
                          const std::string& input = "") {
  REQUIRE_MESSAGE(std::filesystem::exists("/usr/bin/kcat"), "kcat is missing: scripts/deps.sh installs it");
  args.insert(args.begin(), {"/usr/bin/kcat", "-b", bootstrap});
  return kcat_run_argv(dir, args, input);
}

}  // namespace orderstream::test
