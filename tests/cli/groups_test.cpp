#include "cli/commands.h"

#include <doctest/doctest.h>

#include "cli/cli_fixture.h"

using orderstream::test::CliFixture;
using orderstream::test::CliResult;
using orderstream::test::contains;

namespace {

// The CURRENT-OFFSET column of `groups describe` for one group/topic/partition, or -1.
long long current_offset(const std::string& describe_out, const std::string& group,
                         const std::string& topic, int partition) {
  std::istringstream in(describe_out);
  for (std::string line; std::getline(in, line);) {
    std::istringstream l(line);
    std::string g, t;
    int p;
    long long cur;
    if (l >> g >> t >> p >> cur && g == group && t == topic && p == partition) return cur;
  }
  return -1;
}

}  // namespace

TEST_SUITE("cli") {

TEST_CASE("consume --group commits offsets and resumes from them") {
  CliFixture f;
  f.create_topic("t", 2);
  f.produce("t", "a\nb\nc\n", {"-p", "0"});
  f.produce("t", "x\n", {"-p", "1"});
  CHECK(f.consume_all("t", {"--group", "g1", "-p", "0", "-c", "2"}) == "a\nb\n");
  CliResult r = f.run({"groups", "describe", "g1"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(contains(r.out, "GROUP"));
  CHECK(contains(r.out, "CURRENT-OFFSET  LOG-END-OFFSET        LAG"));
  CHECK(current_offset(r.out, "g1", "t", 0) == 2);
  CHECK(current_offset(r.out, "g1", "t", 1) == -1);  // never read
  CHECK(contains(r.out, "g1                       t                                0               2               3          1"));

  // Resumes where it stopped (stored is the default with --group), over every partition.
  std::string rest = f.consume_all("t", {"-G", "g1"});
  CHECK(contains(rest, "c\n"));
  CHECK(contains(rest, "x\n"));
  CHECK(!contains(rest, "a\n"));
  CHECK(f.consume_all("t", {"-G", "g1"}) == "");
  r = f.run({"groups", "describe"});
  CHECK(current_offset(r.out, "g1", "t", 0) == 3);
  CHECK(current_offset(r.out, "g1", "t", 1) == 1);

  f.consume_all("t", {"-G", "g2", "-c", "1", "-p", "1"});
  r = f.run({"groups", "list"});
  CHECK(r.code == 0);
  CHECK(r.out == "g1\ng2\n");

  r = f.run({"groups", "describe", "nobody"});
  CHECK(r.code == 1);
  CHECK(contains(r.err, "consumer group 'nobody' has no committed offsets"));
}

TEST_CASE("groups reset prints a plan, and changes offsets only with --execute") {
  CliFixture f;
  f.create_topic("t", 2);
  f.produce("t", "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n", {"-p", "0"});
  f.produce("t", "a\nb\n", {"-p", "1"});
  f.consume_all("t", {"-G", "g", "-p", "0", "-c", "4"});
  auto described = [&] { return f.run({"groups", "describe", "g"}).out; };

  CliResult r = f.run({"groups", "reset", "g", "--topic", "t", "--to-earliest"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(contains(r.out, "GROUP                    TOPIC                    PARTITION      NEW-OFFSET"));
  CHECK(contains(r.out, "g                        t                                0               0"));
  CHECK(contains(r.out, "g                        t                                1               0"));
  CHECK(contains(r.err, "dry run"));
  CHECK(current_offset(described(), "g", "t", 0) == 4);  // unchanged

  SUBCASE("to-latest") {
    r = f.run({"groups", "reset", "g", "--topic", "t", "--to-latest", "--execute"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(current_offset(described(), "g", "t", 0) == 10);
    CHECK(current_offset(described(), "g", "t", 1) == 2);
    CHECK(f.consume_all("t", {"-G", "g"}) == "");
  }
  SUBCASE("to-offset is clamped into [start, end]") {
    r = f.run({"groups", "reset", "g", "--topic", "t", "--to-offset", "7", "--execute"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(current_offset(described(), "g", "t", 0) == 7);
    CHECK(current_offset(described(), "g", "t", 1) == 2);
    CHECK(f.consume_all("t", {"-G", "g", "-p", "0"}) == "7\n8\n9\n");
  }
  SUBCASE("shift-by, negative, one partition") {
    r = f.run({"groups", "reset", "g", "--topic", "t", "-p", "0", "--shift-by", "-3", "--execute"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(!contains(r.out, "t                                1"));
    CHECK(current_offset(described(), "g", "t", 0) == 1);
    CHECK(current_offset(described(), "g", "t", 1) == -1);
    r = f.run({"groups", "reset", "g", "--topic", "t", "-p", "0", "--shift-by=-30", "--execute"});
    CHECK(current_offset(described(), "g", "t", 0) == 0);
  }
  SUBCASE("to-datetime") {
    r = f.run({"groups", "reset", "g", "--topic", "t", "--to-datetime", "1970-01-01T00:00:00Z",
               "--execute"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(current_offset(described(), "g", "t", 0) == 0);
    r = f.run({"groups", "reset", "g", "--topic", "t", "--to-datetime",
               "2999-01-01T00:00:00.000+02:00", "--execute"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(current_offset(described(), "g", "t", 0) == 10);
    r = f.run({"groups", "reset", "g", "--topic", "t", "--to-datetime", "yesterday"});
    CHECK(r.code == 1);
    CHECK(contains(r.err, "--to-datetime must be ISO 8601"));
  }
  SUBCASE("errors") {
    r = f.run({"groups", "reset", "g", "--topic", "t"});
    CHECK(r.code == 1);
    CHECK(contains(r.err, "exactly one of"));
    r = f.run({"groups", "reset", "g", "--topic", "t", "--to-earliest", "--to-latest"});
    CHECK(r.code == 1);
    r = f.run({"groups", "reset", "g", "--topic", "nope", "--to-earliest"});
    CHECK(r.code == 1);
    CHECK(contains(r.err, "topic 'nope' does not exist"));
    r = f.run({"groups", "reset", "g", "--to-earliest"});
    CHECK(r.code == 2);
    CHECK(contains(r.err, "--topic"));
  }
}

}  // TEST_SUITE
