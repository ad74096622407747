// Helpers of the crash tests: the seed and kill count (from the environment), reading a data
// directory beside (or after) a server, and running CLI commands that may be killed midway.
// Functions are called from the test's main thread unless they say otherwise.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cli/cli_fixture.h"
#include "log/log.h"
#include "services/audit.h"
#include "services/json_codec.h"
#include "support/process.h"

namespace orderstream::test {

// ORDERSTREAM_CRASH_KILLS (default `short_default`): how many kills a crash test makes.
inline int crash_kills(int short_default) {
  const char* v = std::getenv("ORDERSTREAM_CRASH_KILLS");
  return v ? std::max(1, std::atoi(v)) : short_default;
}

// ORDERSTREAM_CRASH_SEED, or a random one; printed so a failing run can be repeated.
inline uint64_t crash_seed(const char* test) {
  const char* v = std::getenv("ORDERSTREAM_CRASH_SEED");
  uint64_t seed = v ? std::strtoull(v, nullptr, 10) : std::random_device{}();
  std::fprintf(stderr, "%s: ORDERSTREAM_CRASH_SEED=%llu\n", test, static_cast<unsigned long long>(seed));
  MESSAGE("ORDERSTREAM_CRASH_SEED=" << seed);
  return seed;
}

inline std::unique_ptr<log::Log> open_read_only(const std::string& data_dir) {
  log::LogOptions o;
  o.dir = data_dir;
  o.read_only = true;  // beside a live server
  auto log = log::Log::open(o);
  REQUIRE_MESSAGE(log.ok(), log.status().to_string());
  return std::move(*log);
}

// Records the order ecosystem has not consumed yet (-1 if the log cannot be read now).
inline int64_t lag_of(const std::string& data_dir) {
  log::LogOptions o;
  o.dir = data_dir;
  o.read_only = true;
  auto log = log::Log::open(o);
  if (!log.ok()) return -1;
  auto lag = services::pipeline_lag(**log);
  return lag.ok() ? *lag : -1;
}

// Per order id in `orders`: how many CREATED and final records it has.
struct OrderCounts {
  int created = 0;
  int finals = 0;
};
inline std::map<std::string, OrderCounts> order_counts(const std::string& data_dir) {
  auto log = open_read_only(data_dir);
  auto info = log->topic("orders");
  REQUIRE(info.ok());
  auto view = log->read_view();
  REQUIRE(view.ok());
  std::map<std::string, OrderCounts> out;
  for (int32_t p = 0; p < info->partitions; ++p) {
    auto r = view->scan({"orders", PartitionId(p)}, Offset(0), SIZE_MAX, [&](const log::RecordView& rv) {
      auto order = services::order_from_json(rv.value.value_or(""), true);
      REQUIRE_MESSAGE(order.ok(), order.status().to_string());
      auto& c = out[order->id];
      (order->state == services::OrderState::kCreated ? c.created : c.finals)++;
      return true;
    });
    REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  }
  return out;
}

// Runs `orderstream --data-dir D args...` to completion and requires exit 0.
inline CliResult cli_ok(const std::string& data_dir, std::vector<std::string> args,
                        const std::string& scratch, const std::string& input = "") {
  args.insert(args.begin(), {"--data-dir", data_dir});
  CliResult r = run_binary(args, input, scratch);
  REQUIRE_MESSAGE(r.code == 0, "orderstream " << args[2] << " exited " << r.code << "\n" << r.out << r.err);
  return r;
}

// `orderstream audit` must find nothing; returns its summary line.
inline std::string require_audit_clean(const std::string& data_dir, const std::string& scratch,
                                       bool expect_drained) {
  std::vector<std::string> args{"audit"};
  if (expect_drained) args.push_back("--expect-drained");
  CliResult r = cli_ok(data_dir, args, scratch);
  size_t at = r.out.rfind("audit OK");
  REQUIRE(at != std::string::npos);
  return r.out.substr(at);
}

// Starts `orderstream --data-dir D args...`, lets it run for `delay`, then SIGKILLs it (if it is
// still running). Returns true if the kill landed before the command finished. The delay is the
// fault injected (a random moment of the command's work), not a wait for anything.
inline bool run_and_kill(const std::string& data_dir, std::vector<std::string> args,
                         const std::string& scratch, std::chrono::microseconds delay) {
  args.insert(args.begin(), {OS_BINARY, "--data-dir", data_dir});
  ChildProcess proc(args, scratch);
  std::this_thread::sleep_for(delay);
  bool killed = proc.running();
  proc.kill(SIGKILL);
  auto code = proc.wait_exit(std::chrono::seconds(60));
  REQUIRE(code.has_value());
  if (!killed || *code != 128 + SIGKILL)
    REQUIRE_MESSAGE(*code == 0, "orderstream " << args[3] << " failed: " << proc.stderr_text());
  return killed && *code == 128 + SIGKILL;
}

}  // namespace orderstream::test
