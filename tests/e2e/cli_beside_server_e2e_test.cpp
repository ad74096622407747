// Writing CLI commands beside a running `orderstream serve`: they find the server through
// <data-dir>/serve.json and have it do the write (as Kafka's tools ask the broker), print what
// the direct path prints, and are refused where the ecosystem owns the topic or group. Without a
// live server (stopped, or killed and its record stale) they write directly again.
#include <filesystem>
#include <set>
#include <sstream>

#include "e2e/cli_run.h"
#include "e2e/server_fixture.h"
#include "support/wait.h"

using namespace orderstream::test;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::multiset<std::string> lines(const std::string& text) {
  std::multiset<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.insert(l);
  return out;
}

// `orderstream ARGS --data-dir <the server's data dir>`, with `input` on stdin when given.
CliRun cli(ServerFixture& s, std::vector<std::string> args, const std::string& input = "") {
  args.push_back("--data-dir");
  args.push_back(s.data_dir());
  if (input.empty()) return run_cli(s.dir.str(), args);
  std::string in = s.dir.file("stdin.txt");
  {
    std::FILE* f = std::fopen(in.c_str(), "w");
    REQUIRE(f != nullptr);
    std::fputs(input.c_str(), f);
    std::fclose(f);
  }
  std::string cmd = "'" + std::string(OS_BINARY) + "'";
  for (const std::string& a : args) cmd += " '" + a + "'";
  ChildProcess p({"bash", "-c", cmd + " < '" + in + "'"}, s.dir.str());
  auto code = p.wait_exit(std::chrono::seconds(120));
  REQUIRE(code.has_value());
  return {*code, p.stdout_text(), p.stderr_text()};
}

}  // namespace

TEST_SUITE("e2e cli beside server") {
  TEST_CASE("topics create, alter and delete go through the running server with the direct path's output") {
    ServerFixture s;
    s.start(2);
    REQUIRE(std::filesystem::exists(s.data_dir() + "/serve.json"));

    CliRun created = cli(s, {"topics", "create", "clicks", "--partitions", "3", "--config", "cleanup.policy=compact"});
    REQUIRE_MESSAGE(created.code == 0, created.err);
    CHECK(created.out == "Created topic clicks.\n");
    CliRun again = cli(s, {"topics", "create", "clicks"});
    CHECK(again.code == 1);
    CHECK_MESSAGE(has(again.err, "clicks"), again.err);

    CliRun altered = cli(s, {"topics", "alter", "clicks", "--config", "retention.ms=60000"});
    REQUIRE_MESSAGE(altered.code == 0, altered.err);
    CHECK(has(altered.out, "Altered topic clicks: "));
    CHECK(has(altered.out, "retention.ms=60000"));
    CHECK(has(altered.out, "cleanup.policy=compact"));

    CliRun described = cli(s, {"topics", "describe", "clicks"});
    REQUIRE(described.code == 0);
    CHECK(has(described.out, "retention.ms=60000"));
    CHECK(has(described.out, "\tOwner: -\n"));  // a user's topic: open to every client

    CliRun deleted = cli(s, {"topics", "delete", "clicks"});
    REQUIRE_MESSAGE(deleted.code == 0, deleted.err);
    CHECK(deleted.out == "Deleted topic clicks.\n");
    CHECK(cli(s, {"topics", "describe", "clicks"}).code == 1);

    CliRun owned = cli(s, {"topics", "delete", "orders"});
    CHECK(owned.code == 1);
    CHECK_MESSAGE(has(owned.err, "topic orders is written only by the orders service"), owned.err);
    CHECK(cli(s, {"topics", "describe", "orders"}).code == 0);
  }

  TEST_CASE("produce and consume --group beside the server, and the ecosystem's topics and groups refused") {
    ServerFixture s;
    s.start(2);
    REQUIRE(cli(s, {"topics", "create", "notes", "--partitions", "2"}).code == 0);
    CliRun produced = cli(s, {"produce", "notes", "-K", ":", "-H", "src=test"}, "a:one\nb:two\nc:three\n");
    REQUIRE_MESSAGE(produced.code == 0, produced.err);
    CHECK(has(produced.err, "produced 3 records (0 tombstones) to notes"));

    CliRun read = cli(s, {"consume", "notes", "--exit", "-f", "%k=%s %h\n"});
    REQUIRE(read.code == 0);
    CHECK(has(read.out, "a=one src=test\n"));
    CHECK(has(read.out, "b=two src=test\n"));
    CHECK(has(read.out, "c=three src=test\n"));

    // A group's first two records, committed through the server; the next run resumes after them.
    CliRun first = cli(s, {"consume", "notes", "--group", "notes-reader", "-c", "2"});
    REQUIRE_MESSAGE(first.code == 0, first.err);
    CliRun rest = cli(s, {"consume", "notes", "--group", "notes-reader", "--exit"});
    REQUIRE_MESSAGE(rest.code == 0, rest.err);
    CHECK(lines(first.out).size() == 2);
    std::multiset<std::string> all = lines(first.out);
    all.merge(lines(rest.out));
    CHECK(all == std::multiset<std::string>{"one", "two", "three"});
    CliRun described = cli(s, {"groups", "describe", "notes-reader"});
    REQUIRE(described.code == 0);
    CHECK(has(described.out, "notes-reader"));

    CliRun reset = cli(s, {"groups", "reset", "notes-reader", "--topic", "notes", "--to-earliest", "--execute"});
    REQUIRE_MESSAGE(reset.code == 0, reset.err);
    CliRun replay = cli(s, {"consume", "notes", "--group", "notes-reader", "--exit"});
    REQUIRE(replay.code == 0);
    CHECK(lines(replay.out) == std::multiset<std::string>{"one", "two", "three"});

    // What the ecosystem owns: nothing is read from stdin or written.
    const std::string orders_before = cli(s, {"consume", "orders", "--exit"}).out;
    CliRun forged = cli(s, {"produce", "orders"}, "{\"id\":\"x\"}\n");
    CHECK(forged.code == 1);
    CHECK_MESSAGE(has(forged.err, "topic orders is written only by the orders service"), forged.err);
    CHECK(cli(s, {"consume", "orders", "--exit"}).out == orders_before);
    CliRun task_group = cli(s, {"consume", "orders", "--group", "inventory", "-c", "1"});
    CHECK(task_group.code == 1);
    CHECK_MESSAGE(has(task_group.err, "consumer group inventory is committed only by the inventory service"),
                  task_group.err);
    CliRun task_reset = cli(s, {"groups", "reset", "order-details", "--topic", "orders", "--to-latest", "--execute"});
    CHECK(task_reset.code == 1);

    CliRun compacted = cli(s, {"compact"});
    REQUIRE_MESSAGE(compacted.code == 0, compacted.err);
    CHECK(has(compacted.out, "compacted every compacted topic: removed "));
  }

  TEST_CASE("sql without --url runs its statements on the server that holds the data dir") {
    ServerFixture s;
    s.start(2);
    CliRun shown = cli(s, {"sql", "SHOW STREAMS;"});
    REQUIRE_MESSAGE(shown.code == 0, shown.err);
    CHECK(has(shown.out, "orders"));
    CHECK(has(shown.err, "in use by the server at http://127.0.0.1:" + std::to_string(s.port)));
  }

  TEST_CASE("a killed server's record is not trusted, and a stopped server leaves none") {
    ServerFixture s;
    s.start(2);
    s.crash();  // SIGKILL: serve.json stays behind, naming a dead pid
    REQUIRE(std::filesystem::exists(s.data_dir() + "/serve.json"));
    CliRun direct = cli(s, {"topics", "create", "after-crash"});
    REQUIRE_MESSAGE(direct.code == 0, direct.err);
    CHECK(direct.out == "Created topic after-crash.\n");

    s.start(2);
    REQUIRE(cli(s, {"topics", "describe", "after-crash"}).code == 0);
    REQUIRE(s.stop() == 0);
    CHECK_FALSE(std::filesystem::exists(s.data_dir() + "/serve.json"));
    CHECK(cli(s, {"topics", "delete", "after-crash"}).code == 0);
  }
}
