#include "cli/commands.h"

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <map>
#include <set>

#include "cli/cli_fixture.h"
#include "cli/format.h"
#include "support/process.h"

using orderstream::test::CliFixture;
using orderstream::test::CliResult;
using orderstream::test::contains;
using namespace std::chrono_literals;

TEST_SUITE("cli") {

TEST_CASE("produce then consume round-trips keys, values, tombstones and headers") {
  CliFixture f;
  f.create_topic("t");
  CliResult r = f.run({"produce", "t", "--key-delimiter", ":", "--null-empty", "--header", "src=cli",
                       "--header", "v=2"},
                      "k1:hello\nk2:\nnokey\nk3:a:b\n:emptykey\n");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(contains(r.err, "produced 5 records (1 tombstones) to t"));
  CHECK(r.out.empty());

  CHECK(f.consume_all("t") == "hello\n\nnokey\na:b\nemptykey\n");
  CHECK(f.consume_all("t", {"--format", "%o|%k|%s|%K|%S|%h\\n"}) ==
        "0|k1|hello|2|5|src=cli,v=2\n"
        "1|k2||2|-1|src=cli,v=2\n"
        "2||nokey|-1|5|src=cli,v=2\n"
        "3|k3|a:b|2|3|src=cli,v=2\n"
        "4||emptykey|0|8|src=cli,v=2\n");
  std::string json = f.consume_all("t", {"--json", "--count", "3"});
  CHECK(contains(json, "{\"topic\":\"t\",\"partition\":0,\"offset\":0,\"ts\":"));
  CHECK(contains(json, "\"key\":\"k1\",\"payload\":\"hello\",\"headers\":[\"src\",\"cli\",\"v\",\"2\"]}\n"));
  CHECK(contains(json, "\"key\":\"k2\",\"payload\":null,"));
  CHECK(contains(json, "\"offset\":2,"));
  CHECK(contains(json, "\"key\":null,\"payload\":\"nokey\""));
  CHECK(!contains(json, "\"offset\":3,"));

  // Without --null-empty an empty value is an empty (non-null) payload.
  f.produce("t", "k9:\n", {"-K", ":"});
  CHECK(f.consume_all("t", {"--offset", "-1", "--format", "%K %S\\n"}) == "2 0\n");
}

TEST_CASE("consume formats every kcat token and escapes JSON properly") {
  CliFixture f;
  f.create_topic("fmt", 2);
  f.produce("fmt", "k\tq:\"quoted\" \\ back\x01\xc3\xa9\xff\n", {"-K", ":", "--partition", "1"});
  std::string out = f.consume_all("fmt", {"-f", "%t/%p/%o %T%%\\t[%k]\\n"});
  CHECK(out.substr(0, 8) == "fmt/1/0 ");
  CHECK(contains(out, "%\t[k\tq]\n"));
  std::string json = f.consume_all("fmt", {"-J"});
  CHECK(contains(json, "\"key\":\"k\\tq\",\"payload\":\"\\\"quoted\\\" \\\\ back\\u0001\xc3\xa9\\u00ff\""));

  CliResult r = f.run({"consume", "fmt", "--exit", "--format", "%z"});
  CHECK(r.code == 1);
  CHECK(contains(r.err, "unknown token '%z'"));
  r = f.run({"consume", "fmt", "--exit", "--format", "%s", "--json"});
  CHECK(r.code == 2);
}

TEST_CASE("format helpers reject a lone backslash and unknown escapes") {
  CHECK(!orderstream::cli::RecordFormat::parse("%s\\").ok());
  CHECK(!orderstream::cli::RecordFormat::parse("\\q").ok());
}

TEST_CASE("keyed records land on murmur2 partitions and --partition pins them") {
  CliFixture f;
  f.create_topic("t", 4);
  std::string lines;
  for (int i = 0; i < 40; ++i) lines += "key" + std::to_string(i % 5) + ":v" + std::to_string(i) + "\n";
  f.produce("t", lines, {"-K", ":"});
  // Every key is on exactly one partition.
  std::string out = f.consume_all("t", {"-f", "%k %p\\n"});
  std::map<std::string, std::set<std::string>> where;
  std::istringstream in(out);
  int n = 0;
  for (std::string k, p; in >> k >> p; ++n) where[k].insert(p);
  CHECK(n == 40);
  for (auto& [k, ps] : where) CHECK_MESSAGE(ps.size() == 1, k);

  f.produce("t", "x\ny\n", {"--partition", "3"});
  CHECK(contains(f.consume_all("t", {"-p", "3", "-o", "-2"}), "x\ny\n"));
  CliResult r = f.run({"produce", "t", "--partition", "4"}, "z\n");
  CHECK(r.code == 1);
  CHECK(contains(r.err, "partition 4 of topic 't' does not exist (it has 4 partitions)"));
  r = f.run({"consume", "t", "--partition", "9", "--exit"});
  CHECK(r.code == 1);
  CHECK(contains(r.err, "partition 9 of topic 't' does not exist"));
}

TEST_CASE("consume --offset: beginning, end, N, -N, s@MS, out of range and below start") {
  CliFixture f;
  f.create_topic("t");
  f.produce("t", "r0\nr1\nr2\nr3\nr4\n");
  CHECK(f.consume_all("t", {"-o", "beginning"}) == "r0\nr1\nr2\nr3\nr4\n");
  CHECK(f.consume_all("t", {"-o", "end"}) == "");
  CHECK(f.consume_all("t", {"-o", "3"}) == "r3\nr4\n");
  CHECK(f.consume_all("t", {"-o", "5"}) == "");
  CHECK(f.consume_all("t", {"-o", "-2"}) == "r3\nr4\n");
  CHECK(f.consume_all("t", {"-o", "-50"}) == "r0\nr1\nr2\nr3\nr4\n");
  CHECK(f.consume_all("t", {"-o", "1", "-c", "2"}) == "r1\nr2\n");
  CHECK(f.consume_all("t", {"-o", "s@0"}) == "r0\nr1\nr2\nr3\nr4\n");
  CHECK(f.consume_all("t", {"-o", "s@99999999999999"}) == "");

  CliResult r = f.run({"consume", "t", "--exit", "-o", "6"});
  CHECK(r.code == 1);
  CHECK(contains(r.err, "offset 6 is out of range for t/0: valid offsets are 0..5"));
  CHECK(r.out.empty());
  r = f.run({"consume", "t", "--exit", "-o", "soon"});
  CHECK(r.code == 1);
  CHECK(contains(r.err, "--offset must be beginning, end, stored, N, -N or s@MS"));
  r = f.run({"consume", "t", "--exit", "-o", "stored"});
  CHECK(r.code == 1);
  CHECK(contains(r.err, "--offset stored needs --group"));
  r = f.run({"consume", "nope", "--exit"});
  CHECK(r.code == 1);
  CHECK(contains(r.err, "topic 'nope' does not exist"));

  SUBCASE("an offset inside a compaction gap reads on from the next record kept") {
    f.create_topic("c", 1, {"--config", "cleanup.policy=compact"});
    f.produce("c", "a:1\na:2\nb:1\n", {"-K", ":"});
    r = f.run({"compact", "c"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    // Compaction leaves the start offset where it was (as Kafka does): 0 is still valid.
    r = f.run({"consume", "c", "--exit", "-o", "0", "-f", "%o %k=%s\\n"});
    CHECK(r.code == 0);
    CHECK(r.out == "1 a=2\n2 b=1\n");
    CHECK_FALSE(contains(r.err, "warning"));
  }
}

TEST_CASE("consume follows records produced live by another process and stops on SIGTERM") {
  CliFixture f;
  f.create_topic("live", 2);
  f.produce("live", "first\n", {"-p", "0"});
  orderstream::test::ChildProcess consumer(
      {OS_BINARY, "--data-dir", f.data_dir(), "consume", "live", "-f", "%p:%s\\n"}, f.tmp.str());
  REQUIRE(consumer.wait_for_output_line("0:first", 10s));
  // The read-only consumer does not hold the writer lock, so producing works beside it.
  f.produce("live", "second\n", {"-p", "1"});
  f.produce("live", "third\n", {"-p", "0"});
  CHECK(consumer.wait_for_output_line("1:second", 10s));
  CHECK(consumer.wait_for_output_line("0:third", 10s));
  consumer.kill(SIGTERM);
  CHECK(consumer.wait_exit(10s) == 0);
  CHECK(consumer.stderr_text().empty());

  SUBCASE("SIGINT stops it too, and --count ends it by itself") {
    orderstream::test::ChildProcess c2(
        {OS_BINARY, "--data-dir", f.data_dir(), "consume", "live", "-o", "end"}, f.tmp.str());
    orderstream::test::ChildProcess c3(
        {OS_BINARY, "--data-dir", f.data_dir(), "consume", "live", "-o", "end", "-c", "1"},
        f.tmp.str());
    // Both are past their start once stderr/stdout exist; give them a record to see.
    REQUIRE(orderstream::test::wait_until([&] { return c3.running(); }, 10s));
    // Produce until c3 sees one (it may not have resolved "end" before the first produce).
    bool seen = orderstream::test::wait_until(
        [&] {
          f.produce("live", "more\n", {"-p", "0"});
          return !c3.running();
        },
        20s);
    CHECK(seen);
    CHECK(c3.wait_exit(10s) == 0);
    CHECK(c3.stdout_text() == "more\n");
    REQUIRE(c2.wait_for_output_line("more", 10s));
    c2.kill(SIGINT);
    CHECK(c2.wait_exit(10s) == 0);
  }
}

TEST_CASE("produce handles a large input in batches and a final line without newline") {
  CliFixture f;
  f.create_topic("big", 3);
  std::string lines;
  for (int i = 0; i < 25000; ++i) lines += "v" + std::to_string(i) + "\n";
  lines += "last";
  CliResult r = f.run({"produce", "big"}, lines);
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(contains(r.err, "produced 25001 records"));
  std::string out = f.consume_all("big", {"-f", "%s\\n"});
  CHECK(std::count(out.begin(), out.end(), '\n') == 25001);
  CHECK(contains(out, "last\n"));
  r = f.run({"topics", "describe", "big"});
  // Round robin without keys spreads evenly.
  CHECK(contains(r.out, " 8334 "));
}

}  // TEST_SUITE
