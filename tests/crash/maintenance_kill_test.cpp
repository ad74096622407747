// SIGKILL during the writing maintenance commands (compact, groups reset --execute), with the
// server stopped as they require: the log still opens, verifies and audits clean, compaction
// kept the latest value of every key, and a group's reset landed in all partitions or none.
// ORDERSTREAM_CRASH_KILLS=N kills per command (default 3); ORDERSTREAM_CRASH_SEED to repeat.
#include <set>

#include "crash/crash_support.h"
#include "e2e/server_fixture.h"
#include "support/wait.h"

using namespace orderstream;
using namespace orderstream::test;

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::microseconds random_delay(std::mt19937_64& rng, Clock::duration full) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(full).count();
  return std::chrono::microseconds(static_cast<int64_t>(rng() % static_cast<uint64_t>(us + 1)));
}

// key -> latest value, as `consume` shows a topic (a key lives in one partition, in offset order).
std::map<std::string, std::string> latest_values(const std::string& dir, const std::string& topic,
                                                 const std::string& scratch) {
  CliResult r = cli_ok(dir, {"consume", topic, "--exit", "-f", "%k\\t%s\\n"}, scratch);
  std::map<std::string, std::string> out;
  size_t start = 0;
  for (size_t nl; (nl = r.out.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string line = r.out.substr(start, nl - start);
    size_t tab = line.find('\t');
    REQUIRE(tab != std::string::npos);
    out[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return out;
}

// The group's committed offsets on every partition of `topic`, with each partition's range.
struct GroupState {
  std::vector<int64_t> committed, start, end;
};
GroupState group_state(const std::string& dir, const std::string& group, const std::string& topic) {
  auto log = open_read_only(dir);
  auto info = log->topic(topic);
  REQUIRE(info.ok());
  auto view = log->read_view();
  REQUIRE(view.ok());
  GroupState g;
  for (int32_t p = 0; p < info->partitions; ++p) {
    log::TopicPartition tp{topic, PartitionId(p)};
    auto c = view->committed(group, tp);
    auto pi = view->partition_info(tp);
    REQUIRE((c.ok() && pi.ok()));
    g.committed.push_back(c->value_or(Offset(-1)).v);
    g.start.push_back(pi->start.v);
    g.end.push_back(pi->end.v);
  }
  return g;
}

}  // namespace

TEST_SUITE("crash") {
  TEST_CASE("kills during compact and groups reset leave a log that verifies and audits clean") {
    const int kills = crash_kills(3);
    const uint64_t seed = crash_seed("maintenance kills");
    std::mt19937_64 rng(seed);
    ServerFixture s;  // its temp dir now, its server at the end
    const std::string dir = s.data_dir(), scratch = s.dir.str();
    CliResult bench = run_binary({"bench", "pipeline", "--orders", "2000", "--partitions", "4",
                                  "--data-dir", dir}, "", scratch);
    REQUIRE_MESSAGE(bench.code == 0, bench.err);
    cli_ok(dir, {"topics", "create", "crash-compact", "--partitions", "2", "--config",
                 "cleanup.policy=compact"}, scratch);

    std::map<std::string, std::string> latest;
    auto produce_batch = [&](int batch) {
      std::string input;
      for (int i = 0; i < 50000; ++i) {
        std::string key = "k" + std::to_string(rng() % 2000), value = "b" + std::to_string(batch) + "-" + std::to_string(i);
        latest[key] = value;
        input += key + "\t" + value + "\n";
      }
      cli_ok(dir, {"produce", "crash-compact", "-K", "\t"}, scratch, input);
    };

    SUBCASE("compact") {
      produce_batch(0);
      auto t0 = Clock::now();
      cli_ok(dir, {"compact"}, scratch);  // one full run sets the range of kill moments
      auto full = Clock::now() - t0;
      int landed = 0;
      for (int k = 0; k < kills; ++k) {
        produce_batch(k + 1);
        landed += run_and_kill(dir, {"compact"}, scratch, random_delay(rng, full));
        cli_ok(dir, {"verify"}, scratch);
        CHECK(latest_values(dir, "crash-compact", scratch) == latest);
      }
      MESSAGE(landed << " of " << kills << " compactions were killed before they finished");
    }
    SUBCASE("groups reset") {
      const std::string group = "validations-aggregator";
      std::vector<std::string> reset{"groups", "reset", group, "--topic", "orders", "--execute"};
      auto t0 = Clock::now();
      auto latest_args = reset;
      latest_args.push_back("--to-latest");
      cli_ok(dir, latest_args, scratch);  // a no-op on the drained log; it sets the range
      auto full = Clock::now() - t0;
      int landed = 0;
      for (int k = 0; k < kills; ++k) {
        auto args = reset;
        args.push_back(k % 2 == 0 ? "--to-earliest" : "--to-latest");
        landed += run_and_kill(dir, args, scratch, random_delay(rng, full));
        GroupState g = group_state(dir, group, "orders");
        bool at_start = g.committed == g.start, at_end = g.committed == g.end;
        CHECK_MESSAGE((at_start || at_end), "a reset landed in some partitions only");
        cli_ok(dir, {"verify"}, scratch);
      }
      MESSAGE(landed << " of " << kills << " resets were killed before they finished");
    }
    // Whatever the kills left, the log audits clean and the services take it from there: a
    // rewound aggregator replays without deciding any order twice.
    MESSAGE(require_audit_clean(dir, scratch, /*expect_drained=*/false));
    s.start(4);
    REQUIRE_MESSAGE(wait_until([&] { return lag_of(dir) == 0; }, std::chrono::seconds(120)),
                    "the pipeline did not drain; lag " << lag_of(dir));
    MESSAGE(require_audit_clean(dir, scratch, /*expect_drained=*/true));
    CHECK(s.stop() == 0);
  }
}
