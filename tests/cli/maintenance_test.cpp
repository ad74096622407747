#include "cli/commands.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>

#include "cli/cli_fixture.h"
#include "log/log.h"
#include "support/process.h"

using orderstream::test::CliFixture;
using orderstream::test::CliResult;
using orderstream::test::contains;
using namespace std::chrono_literals;

namespace {

// Flips one byte inside every copy of `needle` in `file` (LMDB may keep stale page copies).
int flip_byte_in(const std::string& file, const std::string& needle, size_t at) {
  std::string bytes = orderstream::test::slurp(file);
  int flipped = 0;
  for (size_t pos = bytes.find(needle); pos != std::string::npos; pos = bytes.find(needle, pos + 1)) {
    bytes[pos + at] ^= 0x20;
    ++flipped;
  }
  orderstream::test::spit(file, bytes);
  return flipped;
}

}  // namespace

TEST_SUITE("cli") {

TEST_CASE("compact removes superseded records and expired tombstones") {
  CliFixture f;
  f.create_topic("c", 2, {"--config", "cleanup.policy=compact", "--config", "delete.retention.ms=0"});
  f.create_topic("d");
  f.produce("c", "a:1\nb:1\na:2\nb:\nc:1\n", {"-K", ":", "-Z", "-p", "0"});
  f.produce("d", "x\n");
  CliResult r = f.run({"compact"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  // a:1 and b:1 superseded; the tombstone b: expired (delete.retention.ms=0).
  CHECK(contains(r.out, "compacted every compacted topic: removed 3 records"));
  CHECK(contains(r.out, "1 of them tombstones"));
  CHECK(f.consume_all("c", {"-f", "%o %k=%s\\n"}) == "2 a=2\n4 c=1\n");
  r = f.run({"compact", "c"});
  CHECK(contains(r.out, "removed 0 records"));
  r = f.run({"compact", "nope"});
  CHECK(r.code == 1);
  CHECK(contains(r.err, "topic 'nope' does not exist"));
  // A compacted topic refuses records without keys.
  r = f.run({"produce", "c"}, "nokey\n");
  CHECK(r.code == 1);
  CHECK(contains(r.err, "every record needs a key"));
}

TEST_CASE("verify passes on a clean log and dump shows every record as valid") {
  CliFixture f;
  f.create_topic("t", 2);
  f.produce("t", "k:v\nk2:\n", {"-K", ":", "-Z", "-H", "h=1"});
  CliResult r = f.run({"verify"});
  CHECK_MESSAGE(r.code == 0, r.err);
  CHECK(contains(r.out, "OK: 1 topics, 2 partitions"));
  r = f.run({"dump", "t"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(contains(r.out, "Dumping t/0"));
  CHECK(contains(r.out, "Dumping t/1"));
  CHECK(contains(r.out, "keySize: 1 valueSize: 1 headers: 1"));
  CHECK(contains(r.out, "keySize: 2 valueSize: -1 headers: 1"));
  CHECK(contains(r.out, "isValid: true"));
  CHECK(!contains(r.out, "isValid: false"));
  r = f.run({"dump", "nope"});
  CHECK(r.code == 1);
  r = f.run({"dump", "t", "-p", "2"});
  CHECK(r.code == 1);
  CHECK(contains(r.err, "partition 2 of topic 't' does not exist"));
}

TEST_CASE("a flipped payload byte is found by verify, dump and consume") {
  CliFixture f;
  f.create_topic("orders", 1);
  f.create_topic("other", 1);
  f.produce("orders", "first-record\nCORRUPT-ME-PAYLOAD-1234567\nthird-record\n");
  f.produce("other", "fine\n");
  REQUIRE(f.run({"verify"}).code == 0);
  REQUIRE(flip_byte_in(f.data_dir() + "/data.mdb", "CORRUPT-ME-PAYLOAD-1234567", 3) >= 1);

  CliResult r = f.run({"verify"});
  CHECK(r.code == 1);
  CHECK(contains(r.out, "CORRUPT topic=orders partition=0 offset=1: record at offset 1: CRC mismatch"));
  CHECK(!contains(r.out, "topic=other"));
  CHECK(contains(r.err, "orderstream: error: verify: 1 problem(s) found"));

  r = f.run({"dump", "orders"});
  CHECK(r.code == 1);
  CHECK(contains(r.out, "offset: 0 CreateTime:"));
  CHECK(contains(r.out, "offset: 1 isValid: false error: orders/0: record at offset 1: CRC mismatch"));
  CHECK(contains(r.out, "offset: 2 CreateTime:"));  // continues past the bad record
  CHECK(contains(r.err, "1 of 3 records are invalid"));

  r = f.run({"consume", "orders", "--exit"});
  CHECK(r.code == 1);
  CHECK(r.out == "first-record\n");
  CHECK(contains(r.err, "record at offset 1: CRC mismatch"));
  CHECK(f.consume_all("orders", {"-o", "2"}) == "third-record\n");
}

TEST_CASE("writing commands refuse a directory held by a writer, and read-only ones still work") {
  CliFixture f;
  f.create_topic("t");
  f.produce("t", "a\nb\n");
  SUBCASE("a writable Log in this process") {
    orderstream::log::LogOptions o;
    o.dir = f.data_dir();
    auto log = orderstream::log::Log::open(o);
    REQUIRE_MESSAGE(log.ok(), log.status().to_string());
    std::string pid = "(pid " + std::to_string(::getpid()) + ")";
    for (std::vector<std::string> args :
         {std::vector<std::string>{"topics", "create", "u"}, {"topics", "delete", "t"},
          {"topics", "alter", "t", "--config", "retention.ms=1"}, {"produce", "t"},
          {"consume", "t", "--exit", "--group", "g"}, {"compact"},
          {"groups", "reset", "g", "--topic", "t", "--to-earliest", "--execute"}}) {
      CliResult r = f.run(args, "x\n");
      CHECK_MESSAGE(r.code == 1, args[0]);
      CHECK_MESSAGE(contains(r.err, "is in use by another writer " + pid), r.err);
    }
    CHECK(f.run({"topics", "list"}).out == "t\n");
    CHECK(f.consume_all("t") == "a\nb\n");
    CHECK(f.run({"topics", "describe", "t"}).code == 0);
    CHECK(f.run({"dump", "t"}).code == 0);
    CHECK(f.run({"verify"}).code == 0);
    CHECK(f.run({"groups", "list"}).code == 0);
    CHECK(f.run({"groups", "reset", "g", "--topic", "t", "--to-earliest"}).code == 0);  // dry run
  }
  SUBCASE("a long-running consume --group in another process") {
    orderstream::test::ChildProcess holder(
        {OS_BINARY, "--data-dir", f.data_dir(), "consume", "t", "--group", "live"}, f.tmp.str());
    REQUIRE(holder.wait_for_output_line("b", 10s));
    CliResult r = f.run({"produce", "t"}, "c\n");
    CHECK(r.code == 1);
    CHECK(contains(r.err, "is in use by another writer (pid " + std::to_string(holder.pid()) + ")"));
    CHECK(f.consume_all("t") == "a\nb\n");
    holder.kill(SIGTERM);
    CHECK(holder.wait_exit(10s) == 0);
    // It committed what it printed.
    r = f.run({"groups", "describe", "live"});
    CHECK(contains(r.out, "live                     t                                0               2               2          0"));
    f.produce("t", "c\n");
  }
}

TEST_CASE("bench log runs a small pass and reports the log vs raw LMDB") {
  CliFixture f;
  CliResult r = f.run_raw({"bench", "log", "--records", "3000", "--batch", "500", "--partitions",
                           "2", "--record-size", "50", "--data-dir", f.tmp.file("bench")});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(contains(r.out, "log append:"));
  CHECK(contains(r.out, "raw LMDB append:"));
  CHECK(contains(r.out, "% of raw LMDB"));
  CHECK(contains(r.out, "log sequential read:"));
  CHECK(contains(r.err, "appending: 100%"));
  r = f.run_raw({"bench", "log", "--records", "10", "--data-dir", f.tmp.file("bench")});
  CHECK(r.code == 1);  // the directory already holds a log
  r = f.run_raw({"bench", "log", "--batch", "0"});
  CHECK(r.code == 2);
}

}  // TEST_SUITE
