// Hostile input to the CLI (the real binary): bad flags, unknown topics, offsets out of range, a
// data directory that is not ours (unrelated files, a plain file) and a read-only one. Each gets
// a clear "orderstream: error:" message and a non-zero exit, and nothing is written.
#include "cli/commands.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cli/cli_fixture.h"
#include "support/process.h"

using orderstream::test::CliFixture;
using orderstream::test::CliResult;
using orderstream::test::contains;
namespace fs = std::filesystem;

namespace {

using Args = std::vector<std::string>;

// Every command that opens the data directory, readers and writers.
const std::vector<Args> kEveryCommand = {
    {"topics", "list"},
    {"topics", "describe", "t"},
    {"topics", "create", "u"},
    {"topics", "alter", "t", "--config", "retention.ms=1"},
    {"topics", "delete", "t"},
    {"produce", "t"},
    {"consume", "t", "--exit"},
    {"dump", "t"},
    {"groups", "list"},
    {"groups", "describe"},
    {"groups", "reset", "g", "--topic", "t", "--to-earliest", "--execute"},
    {"compact"},
    {"verify"},
    {"reset-service", "inventory", "--execute"},
    {"serve", "--port", "0", "--kafka-listener", "127.0.0.1:0"},
};

// Every file under `root` (or root itself, if it is a file) with its bytes. The lock files are
// listed but not compared: every open rewrites them (LMDB's reader table, the writer's pid);
// they hold no data.
std::map<std::string, std::string> snapshot(const std::string& root) {
  std::map<std::string, std::string> out;
  if (fs::is_regular_file(root)) {
    out[root] = orderstream::test::slurp(root);
    return out;
  }
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    const std::string name = e.path().filename().string();
    if (name == "lock.mdb" || name == "orderstream.lock") {
      out[e.path().string()] = "<lock>";
    } else {
      out[e.path().string()] = e.is_regular_file() ? orderstream::test::slurp(e.path().string()) : "<dir>";
    }
  }
  return out;
}

// The command failed with an error message naming the problem.
void check_failed(const CliResult& r, const std::string& needle, int code = 1) {
  CAPTURE(r.err);
  CHECK(r.code == code);
  CHECK(contains(r.err, "orderstream: error: "));
  CHECK(contains(r.err, needle));
}

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("bad flags are usage errors that create nothing") {
    CliFixture f;
    for (const Args& args : std::vector<Args>{
             {"--bogus", "topics", "list"},
             {"--map-size-mb", "-5", "topics", "list"},
             {"--map-size-mb", "lots", "topics", "list"},
             {"--map-size-mb", "99999999999999999999", "topics", "list"},
             {"topics", "create"},
             {"topics", "create", "t", "--partitions", "-1"},
             {"topics", "create", "t", "--partitions", "99999999999"},
             {"produce"},
             {"consume", "t", "--exit", "--count", "0"},
             {"consume", "t", "--exit", "--partition", "-1"},
             {"consume", "t", "--exit", "--partition", "x"},
             {"consume", "t", "--exit", "--format", "%s", "--json"},
             {"groups", "reset", "g"},
             {"serve", "--port", "70000"},
             {"serve", "--port", "-1"},
             {"serve", "--partitions", "0"},
             {"serve", "--sync-mode", "fast"},
             {"serve", "--http-threads", "1000"},
             {"frobnicate"},
         }) {
      CAPTURE(args);
      CliResult r = f.run(args);
      check_failed(r, "", 2);
      CHECK(r.out.empty());
      // Regression: range errors of --count and --partition printed DBL_MAX's 309 digits.
      CHECK(r.err.size() < 200);
    }
    CHECK_FALSE(fs::exists(f.data_dir()));
  }

  TEST_CASE("unknown topics, bad topic names and offsets out of range fail without writing") {
    CliFixture f;
    f.create_topic("t");
    f.produce("t", "r0\nr1\n");
    const auto before = snapshot(f.data_dir());
    check_failed(f.run({"consume", "nope", "--exit"}), "topic 'nope' does not exist");
    check_failed(f.run({"produce", "nope"}, "a\n"), "topic 'nope' does not exist");
    check_failed(f.run({"dump", "nope"}), "topic 'nope' does not exist");
    check_failed(f.run({"topics", "describe", "../t"}), "");
    check_failed(f.run({"groups", "reset", "g", "--topic", "nope", "--to-earliest", "--execute"}),
                 "nope");
    check_failed(f.run({"consume", "t", "--exit", "-o", "3"}), "out of range for t/0: valid offsets are 0..2");
    check_failed(f.run({"consume", "t", "--exit", "-o", "99999999999999999999"}), "--offset");
    check_failed(f.run({"consume", "t", "--exit", "-o", "-99999999999999999999"}), "--offset");
    check_failed(f.run({"consume", "t", "--exit", "-o", "s@soon"}), "--offset");
    check_failed(f.run({"consume", "t", "--exit", "--partition", "7"}), "partition 7 of topic 't' does not exist");
    check_failed(f.run({"groups", "reset", "g", "--topic", "t", "--partition", "7", "--to-earliest", "--execute"}),
                 "partition 7");
    for (const std::string& name : {std::string(""), std::string("../x"), std::string("a/b"),
                                    std::string("a\nb"), std::string(300, 'x'), std::string("\xff")}) {
      CAPTURE(name);
      CliResult r = f.run({"topics", "create", name});
      CHECK(r.code != 0);
      CHECK(contains(r.err, "orderstream: error: "));
    }
    CHECK(snapshot(f.data_dir()) == before);
    CHECK(f.run({"topics", "list"}).out == "t\n");
  }

  TEST_CASE("a directory of unrelated files is refused by every command and left as it was") {
    CliFixture f;
    fs::create_directories(f.data_dir() + "/sub");
    orderstream::test::spit(f.data_dir() + "/notes.txt", "mine\n");
    orderstream::test::spit(f.data_dir() + "/sub/photo.jpg", std::string(1000, '\xff'));
    const auto before = snapshot(f.data_dir());
    for (const Args& args : kEveryCommand) {
      CAPTURE(args);
      CliResult r = f.run(args, "a\n");
      CHECK(r.code == 1);
      CHECK_MESSAGE(contains(r.err, "orderstream: error: "), r.err);
      CHECK_MESSAGE((contains(r.err, "no orderstream log in") ||
                     contains(r.err, "not empty and holds no orderstream log")),
                    r.err);
      CHECK(snapshot(f.data_dir()) == before);
    }
  }

  TEST_CASE("a data dir that is a plain file is refused by every command and left as it was") {
    CliFixture f;
    orderstream::test::spit(f.data_dir(), "not a directory\n");
    for (const Args& args : kEveryCommand) {
      CAPTURE(args);
      check_failed(f.run(args, "a\n"), "is not a directory");
      CHECK(orderstream::test::slurp(f.data_dir()) == "not a directory\n");
    }
  }

  TEST_CASE("a read-only data dir makes writers fail clearly and nothing changes") {
    CliFixture f;
    f.create_topic("t");
    f.produce("t", "r0\nr1\n");
    // root ignores file modes; run the binary as nobody then (setpriv), which needs the path
    // to the data dir to be searchable by others.
    std::vector<std::string> prefix;
    if (::geteuid() == 0) {
      if (::access("/usr/bin/setpriv", X_OK) != 0) {
        MESSAGE("skipped: running as root and setpriv is not available to drop privileges");
        return;
      }
      prefix = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
      fs::permissions(f.tmp.path(), fs::perms::owner_all | fs::perms::group_read |
                                        fs::perms::group_exec | fs::perms::others_read |
                                        fs::perms::others_exec);
    }
    for (const auto& e : fs::recursive_directory_iterator(f.data_dir())) {
      fs::permissions(e.path(), fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write,
                      fs::perm_options::remove);
    }
    fs::permissions(f.data_dir(), fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write,
                    fs::perm_options::remove);
    const auto before = snapshot(f.data_dir());
    for (const Args& args : kEveryCommand) {
      CAPTURE(args);
      std::vector<std::string> argv = prefix;
      argv.insert(argv.end(), {OS_BINARY, "--data-dir", f.data_dir()});
      argv.insert(argv.end(), args.begin(), args.end());
      orderstream::test::ChildProcess p(argv, f.tmp.str());
      auto code = p.wait_exit(std::chrono::seconds(30));
      REQUIRE(code.has_value());
      const std::string err = p.stderr_text();
      CAPTURE(err);
      // Readers may fail too (LMDB needs to write its lock file); either way, clearly.
      CHECK(*code == 1);
      CHECK(contains(err, "orderstream: error: "));
      CHECK(contains(err, "Permission denied"));
      CHECK(snapshot(f.data_dir()) == before);
    }
    fs::permissions(f.data_dir(), fs::perms::owner_write, fs::perm_options::add);
  }
}
