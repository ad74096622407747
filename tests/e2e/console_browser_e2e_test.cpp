// The web console in a real browser (Debian's chromium, headless, driven by playwright-core from
// npm) against the real binary: tests/browser/console_scenarios.mjs, one phase per test case.
// Screenshots of each page land in <build>/test-artifacts/console/.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "e2e/server_fixture.h"

using namespace orderstream::test;

namespace {

// Fails (never skips) when a tool is missing, naming what installs it.
void require_browser_tools() {
  REQUIRE_MESSAGE(std::system("node --version > /dev/null 2>&1") == 0,
                  "node is not installed: scripts/deps.sh installs nodejs");
  REQUIRE_MESSAGE(std::filesystem::exists(std::string(OS_SOURCE_DIR) + "/node_modules/playwright-core/package.json"),
                  "node_modules/playwright-core is missing: scripts/deps.sh installs it (npm ci in the project root)");
  REQUIRE_MESSAGE(std::filesystem::exists("/usr/bin/chromium"), "chromium is not installed: scripts/deps.sh installs it");
}

// Runs one phase of the scenario script against the server; REQUIREs that it passes in 2 minutes.
void run_phase(ServerFixture& s, const std::string& phase, std::vector<std::string> args = {}) {
  require_browser_tools();
  std::string artifacts = (std::filesystem::path(OS_BINARY).parent_path() / "test-artifacts" / "console").string();
  std::vector<std::string> argv{"node", std::string(OS_SOURCE_DIR) + "/tests/browser/console_scenarios.mjs",
                                "http://127.0.0.1:" + std::to_string(s.port), artifacts, phase};
  argv.insert(argv.end(), args.begin(), args.end());
  ChildProcess p(argv, s.dir.str());
  auto code = p.wait_exit(std::chrono::seconds(120));
  if (!code) p.kill(SIGKILL);
  REQUIRE_MESSAGE(code == std::optional<int>(0), phase << ": exit " << (code ? std::to_string(*code) : "none (killed at 120 s)")
                                                       << "\nstdout:\n" << p.stdout_text() << "\nstderr:\n"
                                                       << p.stderr_text());
}

// A server with `n` orders posted and final, so that every task's group has committed.
void start_with_orders(ServerFixture& s, int n, std::vector<std::string> extra = {}) {
  s.start(4, std::move(extra));
  REQUIRE(s.put("/v1/inventory/JUMPERS", "{\"stock\":1000}").status == 200);
  for (int i = 0; i < n; ++i)
    REQUIRE(s.post("/v1/orders", order_json("ui-" + std::to_string(i), 7, "JUMPERS", 1, 2.5)).status == 201);
  for (int i = 0; i < n; ++i)
    REQUIRE(s.get("/v1/orders/ui-" + std::to_string(i) + "/validated?timeout=60000").status == 200);
}

}  // namespace

TEST_SUITE("e2e console browser") {
  TEST_CASE("console: the topics page lists each topic's offsets and owner, and a topic opens its partitions") {
    ServerFixture s;
    start_with_orders(s, 5);
    run_phase(s, "topics", {"5"});
    CHECK(s.stop() == 0);
  }

  TEST_CASE("console: the message browser seeks by offset, filters by key, folds JSON and tails live") {
    ServerFixture s;
    start_with_orders(s, 5);
    run_phase(s, "messages");
    CHECK(s.stop() == 0);
  }

  TEST_CASE("console: the groups page shows each stream task's committed offsets, end and lag") {
    ServerFixture s;
    start_with_orders(s, 3);
    run_phase(s, "groups");
    CHECK(s.stop() == 0);
  }

  TEST_CASE("console: a statement runs through /ksql and shows its answer, a bad one its error") {
    ServerFixture s;
    s.start(4);
    run_phase(s, "sql");
    CHECK(s.stop() == 0);
  }

  TEST_CASE("console: with --api-token it asks for the token once per session and then works") {
    ServerFixture s;
    s.start(4, {"--api-token", "console-secret-1"});
    run_phase(s, "token", {"console-secret-1"});
    CHECK(s.stop() == 0);
  }
}
