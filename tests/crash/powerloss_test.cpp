// The power-loss loop: the real server runs under the power-loss shim (tools/powerloss/) with
// concurrent orders and stock updates; at a random moment it is SIGKILLed and powerloss-cut
// undoes every write since the last fdatasync of data.mdb, or a random part of them (the disk
// reordered writes), as a power cut would; then it restarts on the same directory. After each
// cut the server must start (never serve a damaged log); at the end `orderstream verify` is
// clean, the drained pipeline passes `audit --expect-drained`, and in durable mode every
// acknowledged order is there and every validation a client was told is the one in the log.
// Short by default (5 cuts); ORDERSTREAM_CRASH_KILLS=N and ORDERSTREAM_CRASH_SEED as the crash
// loop. Built only without sanitizers (tools/powerloss/CMakeLists.txt says why).
#ifdef OS_POWERLOSS_SHIM

#include <filesystem>
#include <fstream>
#include <map>

#include "crash/crash_load.h"
#include "crash/crash_support.h"
#include "e2e/server_fixture.h"
#include "support/temp_dir.h"
#include "support/wait.h"

using namespace orderstream;
using namespace orderstream::test;

namespace {

struct CliRun {
  int code;
  std::string out, err;
};

std::string state_of(const std::string& body) {
  for (const char* s : {"VALIDATED", "FAILED", "CREATED"})
    if (body.find(std::string("\"state\":\"") + s + "\"") != std::string::npos) return s;
  return "?";
}

struct Outcome {
  Ledger ledger;
  std::map<std::string, std::string> told;  // order id -> the final state a client was answered
};

// Runs `cuts` rounds of load, SIGKILL and a simulated power cut against `s`.
void power_loss_loop(ServerFixture& s, const std::vector<std::string>& args, int cuts, uint64_t seed, Outcome* out) {
  std::mt19937_64 rng(seed);
  s.env = {std::string("LD_PRELOAD=") + OS_POWERLOSS_SHIM};
  s.start(4, args);
  for (int round = 0; round < cuts; ++round) {
    {
      std::lock_guard lock(out->ledger.mu);
      out->ledger.acked_in_round = 0;
    }
    int64_t target = 1 + static_cast<int64_t>(rng() % 120);
    {
      Load load(s.port, out->ledger, seed, round);
      REQUIRE_MESSAGE(wait_until([&] { return out->ledger.round_acks() >= target; }, std::chrono::seconds(60)),
                      "round " << round << ": only " << out->ledger.round_acks() << " orders acknowledged");
      // What clients are told of final states, while the load goes on.
      std::vector<std::string> sample;
      {
        std::lock_guard lock(out->ledger.mu);
        for (auto it = out->ledger.acked.rbegin(); it != out->ledger.acked.rend() && sample.size() < 5; ++it)
          if (!out->told.count(*it)) sample.push_back(*it);
      }
      for (const std::string& id : sample) {
        HttpResult r = s.get("/v1/orders/" + id + "/validated?timeout=2000");
        if (r.status == 200) out->told[id] = state_of(r.body);
      }
      s.crash();
    }
    double keep = round % 2 == 0 ? 0.0 : 0.5;
    CliRun cut = [&] {
      ChildProcess p({OS_POWERLOSS_CUT, s.data_dir() + "/data.mdb", "--keep-fraction", std::to_string(keep),
                      "--seed", std::to_string(seed + static_cast<uint64_t>(round))},
                     s.dir.str());
      auto code = p.wait_exit(std::chrono::seconds(60));
      REQUIRE(code.has_value());
      return CliRun{*code, p.stdout_text(), p.stderr_text()};
    }();
    REQUIRE_MESSAGE(cut.code == 0, cut.err);
    MESSAGE("round " << round << ": " << cut.out);
    cli_ok(s.data_dir(), {"verify"}, s.dir.str());  // after every cut, before the server repairs anything
    s.start(4, args);  // must open: a power cut may undo commits, never damage the log
  }
}

// After the cuts: the pipeline drains, the log verifies and audits clean; the orders it holds.
auto drained_counts(ServerFixture& s) {
  REQUIRE_MESSAGE(wait_until([&] { return lag_of(s.data_dir()) == 0; }, std::chrono::seconds(120)),
                  "the pipeline did not drain; lag " << lag_of(s.data_dir()));
  REQUIRE(s.stop() == 0);
  cli_ok(s.data_dir(), {"verify"}, s.dir.str());
  MESSAGE(require_audit_clean(s.data_dir(), s.dir.str(), /*expect_drained=*/true));
  return order_counts(s.data_dir());
}

}  // namespace

TEST_SUITE("crash") {
  TEST_CASE("the simulator undoes exactly the writes after the last fdatasync") {
    TempDir dir{"os-powerloss"};
    const std::string data = dir.file("data.mdb");
    ChildProcess writer({OS_POWERLOSS_DEMO, data}, dir.str(), {std::string("LD_PRELOAD=") + OS_POWERLOSS_SHIM});
    REQUIRE(writer.wait_exit(std::chrono::seconds(30)) == 0);
    REQUIRE(std::filesystem::file_size(data) == 8196);
    ChildProcess cut({OS_POWERLOSS_CUT, data}, dir.str());
    REQUIRE(cut.wait_exit(std::chrono::seconds(30)) == 0);
    CHECK_MESSAGE(cut.stdout_text().find("undid 2 of the 2 writes") != std::string::npos, cut.stdout_text());
    std::ifstream in(data, std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(content == std::string(4096, 'a'));
    CHECK_FALSE(std::filesystem::exists(data + ".powerloss-journal"));
  }

  TEST_CASE("power cuts in durable mode lose nothing a client was told") {
    const int cuts = crash_kills(5);
    const uint64_t seed = crash_seed("power-loss loop (durable)");
    ServerFixture s;
    Outcome o;
    power_loss_loop(s, {"--cleaner-interval-ms", "50"}, cuts, seed, &o);
    auto counts = drained_counts(s);
    for (const std::string& id : o.ledger.acked) {
      auto it = counts.find(id);
      REQUIRE_MESSAGE(it != counts.end(), "acknowledged order " << id << " was lost in a power cut");
      CHECK_MESSAGE(it->second.created == 1, id);
      CHECK_MESSAGE(it->second.finals == 1, id);
    }
    s.env.clear();
    s.start(4);
    for (const auto& [id, state] : o.told) {
      HttpResult r = s.get("/v1/orders/" + id + "/validated?timeout=10000");
      CHECK_MESSAGE(state_of(r.body) == state, id << " was answered " << state << ", the log says " << r.body);
    }
    MESSAGE(cuts << " cuts; " << o.ledger.acked.size() << " orders acknowledged, " << o.told.size()
                 << " final states told, all kept");
  }

  TEST_CASE("power cuts in lazy mode may take back the latest commit but never the log") {
    const int cuts = crash_kills(5);
    const uint64_t seed = crash_seed("power-loss loop (lazy)");
    ServerFixture s;
    Outcome o;
    power_loss_loop(s, {"--sync-mode", "lazy"}, cuts, seed, &o);
    auto counts = drained_counts(s);
    size_t lost = 0;
    for (const std::string& id : o.ledger.acked) {
      auto it = counts.find(id);
      if (it == counts.end()) {
        ++lost;
        continue;
      }
      CHECK_MESSAGE(it->second.created == 1, id);  // a replay never duplicates
      CHECK_MESSAGE(it->second.finals == 1, id);
    }
    MESSAGE(cuts << " cuts in lazy mode; " << lost << " of " << o.ledger.acked.size()
                 << " acknowledged orders taken back (only ever the latest commit's)");
  }
}

#endif  // OS_POWERLOSS_SHIM
