// Kafka consumer groups against the real binary with kcat's balanced consumer (librdkafka):
// join, sync, commit and resume; two members split the partitions and one that leaves hands
// its partition back; a stream task's group cannot be joined.
#include <filesystem>

#include "e2e/cli_run.h"
#include "e2e/kcat_run.h"
#include "e2e/server_fixture.h"
#include "support/wait.h"

using namespace orderstream::test;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string twenty_records() {
  std::string out;
  for (int i = 0; i < 20; ++i) out += "k" + std::to_string(i) + ":v" + std::to_string(i) + "\n";
  return out;
}

size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// The partitions of the last "assigned:" line kcat logged.
std::string last_assignment(const std::string& err) {
  size_t at = err.rfind("assigned: ");
  if (at == std::string::npos) return "";
  return err.substr(at + 10, err.find('\n', at) - at - 10);
}

}  // namespace

TEST_SUITE("e2e kafka groups") {
  TEST_CASE("a balanced consumer reads every record once, commits, and a second run resumes after the commit") {
    ServerFixture s;
    s.start(2);
    REQUIRE(kcat_run(s, {"-P", "-t", "clicks", "-K:"}, twenty_records()).code == 0);
    CliRun first = kcat_run(s, {"-G", "mailers", "-X", "auto.offset.reset=earliest", "-e", "-f", "%k\\n", "clicks"});
    REQUIRE_MESSAGE(first.code == 0, first.err);
    CHECK(count(first.out, "\n") == 20);
    CliRun groups = run_cli(s.dir.str(), {"groups", "describe", "mailers", "--data-dir", s.data_dir()});
    REQUIRE(groups.code == 0);
    CHECK_MESSAGE(count(groups.out, "clicks") == 2, groups.out);

    REQUIRE(kcat_run(s, {"-P", "-t", "clicks", "-K:"}, "late:1\n").code == 0);
    CliRun second = kcat_run(s, {"-G", "mailers", "-X", "auto.offset.reset=earliest", "-e", "-f", "%k\\n", "clicks"});
    REQUIRE_MESSAGE(second.code == 0, second.err);
    CHECK_MESSAGE(second.out == "late\n", second.out);  // only what came after the commit
  }

  TEST_CASE("two members split the partitions and the one that stays gets them all back") {
    ServerFixture s;
    s.start(2);
    REQUIRE(kcat_run(s, {"-P", "-t", "clicks", "-K:"}, twenty_records()).code == 0);
    ChildProcess a(kcat_argv(s, {"-G", "split", "-f", "%p %k\\n", "clicks"}), s.dir.str());
    REQUIRE(wait_until([&] { return has(a.stderr_text(), "assigned: clicks [0], clicks [1]"); }, std::chrono::seconds(30)));
    ChildProcess b(kcat_argv(s, {"-G", "split", "-f", "%p %k\\n", "clicks"}), s.dir.str());
    // A rebalance: b joins, a gives up a partition; each ends with one, not the same.
    REQUIRE(wait_until([&] { return count(a.stderr_text(), "assigned: ") >= 2 && has(b.stderr_text(), "assigned: "); },
                       std::chrono::seconds(60)));
    std::string mine = last_assignment(a.stderr_text()), theirs = last_assignment(b.stderr_text());
    CAPTURE(a.stderr_text());
    CAPTURE(b.stderr_text());
    CHECK(count(mine, "clicks [") == 1);
    CHECK(count(theirs, "clicks [") == 1);
    CHECK(mine != theirs);

    b.kill(SIGTERM);  // kcat leaves the group on its way out
    REQUIRE(b.wait_exit(std::chrono::seconds(30)).has_value());
    REQUIRE(wait_until([&] { return last_assignment(a.stderr_text()) == "clicks [0], clicks [1]"; },
                       std::chrono::seconds(60)));
  }

  TEST_CASE("a stream task's consumer group cannot be joined") {
    ServerFixture s;
    s.start(1);
    CliRun joined = kcat_run(s, {"-G", "inventory", "-e", "orders"});
    CHECK(joined.code != 0);
    bool refused = has(joined.err, "authorization") || has(joined.err, "Authorization");
    CHECK_MESSAGE(refused, joined.err);
  }
}
