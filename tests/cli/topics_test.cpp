#include "cli/commands.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "cli/cli_fixture.h"

using orderstream::test::CliFixture;
using orderstream::test::CliResult;
using orderstream::test::contains;

TEST_SUITE("cli") {

TEST_CASE("topics create, list, describe, alter and delete work end to end") {
  CliFixture f;
  CliResult r = f.run({"topics", "create", "orders", "--partitions", "3", "--config",
                       "retention.ms=1000", "--config", "cleanup.policy=compact"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(contains(r.out, "Created topic orders."));
  f.create_topic("payments");

  r = f.run({"topics", "list"});
  CHECK(r.code == 0);
  CHECK(r.out == "orders\npayments\n");

  f.produce("orders", "a:1\nb:2\n", {"--key-delimiter", ":"});
  r = f.run({"topics", "describe", "orders"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(contains(r.out, "Topic: orders\tPartitions: 3"));
  CHECK(contains(r.out, "\tOwner: orders\n"));  // the ecosystem's topic, whoever created it
  CHECK(contains(r.out, "cleanup.policy=compact"));
  CHECK(contains(r.out, "retention.ms=1000"));
  CHECK(contains(r.out, "START-OFFSET     END-OFFSET      RECORDS          BYTES"));
  // Three partition rows; two records in total.
  int rows = 0;
  int64_t total = 0;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    int p;
    long long start, end, count, bytes;
    if (std::sscanf(line.c_str(), "%d %lld %lld %lld %lld", &p, &start, &end, &count, &bytes) == 5) {
      ++rows;
      total += count;
      CHECK(end - start == count);
      CHECK((count == 0) == (bytes == 0));
    }
  }
  CHECK(rows == 3);
  CHECK(total == 2);

  r = f.run({"topics", "alter", "orders", "--config", "retention.ms=-1", "--config",
             "delete.retention.ms=5"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  r = f.run({"topics", "describe", "orders"});
  CHECK(contains(r.out, "retention.ms=-1"));
  CHECK(contains(r.out, "delete.retention.ms=5"));
  CHECK(contains(r.out, "cleanup.policy=compact"));  // unchanged keys stay

  r = f.run({"topics", "delete", "payments"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(contains(r.out, "Deleted topic payments."));
  r = f.run({"topics", "list"});
  CHECK(r.out == "orders\n");
}

TEST_CASE("topic commands reject unknown topics, bad names and bad configs") {
  CliFixture f;
  f.create_topic("orders");
  SUBCASE("unknown topic") {
    for (auto cmd : {"describe", "delete"}) {
      CliResult r = f.run({"topics", cmd, "nope"});
      CHECK(r.code == 1);
      CHECK(contains(r.err, "orderstream: error: topic 'nope' does not exist"));
      CHECK(r.out.empty());
    }
    CliResult r = f.run({"topics", "alter", "nope", "--config", "retention.ms=1"});
    CHECK(r.code == 1);
    CHECK(contains(r.err, "does not exist"));
  }
  SUBCASE("duplicate topic") {
    CliResult r = f.run({"topics", "create", "orders"});
    CHECK(r.code == 1);
    CHECK(contains(r.err, "already exists"));
  }
  SUBCASE("bad topic name") {
    CliResult r = f.run({"topics", "create", "no/slash"});
    CHECK(r.code == 1);
    CHECK(contains(r.err, "may only contain"));
  }
  SUBCASE("bad topic config values") {
    CliResult r = f.run({"topics", "create", "x", "--config", "retention.ms=soon"});
    CHECK(r.code == 1);
    CHECK(contains(r.err, "retention.ms' must be an integer"));
    r = f.run({"topics", "create", "x", "--config", "cleanup.policy=shred"});
    CHECK(r.code == 1);
    CHECK(contains(r.err, "cleanup.policy must be delete or compact"));
    r = f.run({"topics", "alter", "orders", "--config", "colour=blue"});
    CHECK(r.code == 1);
    CHECK(contains(r.err, "unknown topic config 'colour'"));
    r = f.run({"topics", "alter", "orders", "--config", "novalue"});
    CHECK(r.code == 1);
    CHECK(contains(r.err, "KEY=VALUE"));
    r = f.run({"topics", "list"});
    CHECK(r.out == "orders\n");  // nothing was created by the failed commands
  }
  SUBCASE("bad flags are usage errors") {
    CliResult r = f.run({"topics", "create", "x", "--partitions", "0"});
    CHECK(r.code == 2);
    CHECK(contains(r.err, "orderstream: error:"));
    r = f.run({"topics", "create", "x", "--partitions", "many"});
    CHECK(r.code == 2);
    r = f.run({"topics", "frobnicate"});
    CHECK(r.code == 2);
    r = f.run({"topics", "list", "--no-such-flag"});
    CHECK(r.code == 2);
    CHECK(contains(r.err, "--no-such-flag"));
    r = f.run_raw({});
    CHECK(r.code == 2);
  }
}

TEST_CASE("help goes to stdout and exits 0") {
  CliFixture f;
  CliResult r = f.run_raw({"--help"});
  CHECK(r.code == 0);
  CHECK(contains(r.out, "topics"));
  CHECK(contains(r.out, "consume"));
  r = f.run_raw({"consume", "--help"});
  CHECK(r.code == 0);
  CHECK(contains(r.out, "--offset"));
}

TEST_CASE("commands other than topics create and produce fail on a missing data directory") {
  CliFixture f;
  for (std::vector<std::string> args :
       {std::vector<std::string>{"topics", "list"}, {"topics", "describe", "x"},
        {"topics", "delete", "x"}, {"consume", "x", "--exit"}, {"dump", "x"},
        {"groups", "list"}, {"compact"}, {"verify"}}) {
    CliResult r = f.run(args);
    CHECK_MESSAGE(r.code == 1, args[0]);
    CHECK_MESSAGE(contains(r.err, "orderstream: error: data directory"), r.err);
    CHECK(contains(r.err, "does not exist"));
  }
  CHECK(!std::filesystem::exists(f.data_dir()));
  // produce creates the directory but still needs the topic.
  CliResult r = f.run({"produce", "x"}, "a\n");
  CHECK(r.code == 1);
  CHECK(contains(r.err, "topic 'x' does not exist"));
}

TEST_CASE("a directory that is not an orderstream log is refused") {
  CliFixture f;
  std::filesystem::create_directories(f.data_dir());
  orderstream::test::spit(f.data_dir() + "/notes.txt", "mine\n");
  CliResult r = f.run({"topics", "list"});
  CHECK(r.code == 1);
  CHECK(contains(r.err, "no orderstream log in"));
  r = f.run({"topics", "create", "x"});
  CHECK(r.code == 1);
  CHECK(contains(r.err, "not empty and holds no orderstream log"));
  CHECK(orderstream::test::slurp(f.data_dir() + "/notes.txt") == "mine\n");
}

TEST_CASE("the config file sets global options and flags override it") {
  CliFixture f;
  std::string cfg = f.tmp.file("os.toml");
  orderstream::test::spit(cfg, "# test config\ndata-dir = \"" + f.tmp.file("from-config") +
                                   "\"\nmap-size-mb = 64\n");
  CliResult r = f.run_raw({"--config", cfg, "topics", "create", "t"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(std::filesystem::exists(f.tmp.file("from-config") + "/data.mdb"));
  r = f.run_raw({"--config", cfg, "--data-dir", f.data_dir(), "topics", "create", "u"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  r = f.run({"topics", "list"});
  CHECK(r.out == "u\n");
  // Global options may also follow the subcommand.
  r = f.run_raw({"topics", "list", "--config", cfg});
  CHECK(r.out == "t\n");

  SUBCASE("the shipped default config parses") {
    r = f.run_raw({"--config", std::string(OS_SOURCE_DIR) + "/config/orderstream.toml",
                   "--data-dir", f.data_dir(), "topics", "list"});
    CHECK_MESSAGE(r.code == 0, r.err);
    CHECK(r.out == "u\n");
  }
  SUBCASE("bad values in the config file") {
    orderstream::test::spit(cfg, "map-size-mb = \"lots\"\n");
    r = f.run_raw({"--config", cfg, "topics", "list"});
    CHECK(r.code == 2);
    CHECK(contains(r.err, "orderstream: error:"));
    CHECK(contains(r.err, "map-size-mb"));
    orderstream::test::spit(cfg, "map-size-mb = 0\n");
    r = f.run_raw({"--config", cfg, "topics", "list"});
    CHECK(r.code == 2);
  }
  SUBCASE("a missing config file") {
    r = f.run_raw({"--config", f.tmp.file("nope.toml"), "topics", "list"});
    CHECK(r.code == 2);
    CHECK(contains(r.err, "nope.toml"));
  }
}

}  // TEST_SUITE
