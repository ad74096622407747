#include <doctest/doctest.h>

#include <string>

#include "cli/cli_fixture.h"

using orderstream::test::CliFixture;
using orderstream::test::CliResult;
using orderstream::test::contains;

TEST_SUITE("cli") {

TEST_CASE("disk shows each partition's entries and pages and the totals per kind") {
  CliFixture f;
  f.create_topic("d", 2);
  std::string lines;
  for (int i = 0; i < 400; ++i) lines += "k" + std::to_string(i) + ":" + std::string(300, 'v') + "\n";
  f.produce("d", lines, {"-K", ":", "-p", "0"});

  CliResult r = f.run({"disk", "--json"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(contains(r.out, "{\"database\":\"t/d/0\",\"entries\":400,"));
  CHECK(contains(r.out, "{\"database\":\"t/d/1\",\"entries\":0,"));
  CHECK(contains(r.out, "\"page_size\":4096"));
  // 400 records of 300+ bytes cannot fit one 4 KiB page: a real tree, with a branch page.
  CHECK_FALSE(contains(r.out, "{\"database\":\"t/d/0\",\"entries\":400,\"depth\":1,"));
  CHECK(contains(r.out, "{\"database\":\"t/*\",\"entries\":400,"));

  r = f.run({"disk", "--top", "1"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(contains(r.out, "data.mdb: "));
  CHECK(contains(r.out, "t/d/0 "));
  CHECK_FALSE(contains(r.out, "t/d/1 "));  // only the largest database is listed
  CHECK(contains(r.out, "by kind:"));
}

TEST_CASE("disk refuses a missing data directory and a bad option with a message") {
  CliFixture f;
  CliResult r = f.run({"disk"});  // nothing has created the data directory yet
  CHECK(r.code != 0);
  CHECK(contains(r.err, "does not exist"));
  r = f.run({"disk", "--top", "many"});
  CHECK(r.code != 0);
  CHECK(contains(r.err, "--top"));
}

}  // TEST_SUITE
