// Durable answers: Log::commit_point / durable_through / sync_through and the group writer's
// after_durable barrier, which hold a reader's answer until what it read is fdatasynced.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "log/group_writer.h"
#include "log/test_util.h"
#include "support/wait.h"

namespace orderstream::log {
namespace {

using test::LogFixture;

TEST_SUITE("log durable point") {
  TEST_CASE("what a read saw is durable only after the next commit or a sync") {
    LogFixture f;
    f.create("t");
    f.append("t", 0, {{"a", "1"}});
    uint64_t point = f.log->commit_point();
    // The commit fdatasynced its pages but not its meta page (MDB_NOMETASYNC): a power cut now
    // would undo it, so a reader must not be answered yet.
    CHECK_FALSE(f.log->durable_through(point));
    f.append("t", 0, {{"b", "2"}});
    CHECK(f.log->durable_through(point));  // the second commit's fdatasync covered it
    uint64_t second = f.log->commit_point();
    CHECK(second > point);
    CHECK_FALSE(f.log->durable_through(second));
    CHECK_OK(f.log->sync_through(second));
    CHECK(f.log->durable_through(second));
  }

  TEST_CASE("a reopened durable log starts with everything it holds durable") {
    LogFixture f;
    f.create("t");
    f.append("t", 0, {{"a", "1"}});
    REQUIRE_OK(f.reopen());
    CHECK(f.log->durable_through(f.log->commit_point()));
  }

  TEST_CASE("lazy mode moves the durable point like durable mode (its commits are written alike)") {
    LogFixture f;
    f.options.sync_mode = SyncMode::kLazy;
    REQUIRE_OK(f.reopen());
    f.create("t");
    f.append("t", 0, {{"a", "1"}});
    uint64_t point = f.log->commit_point();
    CHECK_FALSE(f.log->durable_through(point));
    f.append("t", 0, {{"b", "2"}});
    CHECK(f.log->durable_through(point));
    CHECK_OK(f.log->sync());
    CHECK(f.log->durable_through(f.log->commit_point()));
  }

  TEST_CASE("after_durable answers at once when durable, and after a sync otherwise") {
    LogFixture f;
    f.create("t");
    GroupWriter writer(*f.log, 100, /*durable=*/true);
    f.append("t", 0, {{"a", "1"}});
    uint64_t point = f.log->commit_point();
    REQUIRE_FALSE(f.log->durable_through(point));
    std::atomic<bool> done{false};
    std::atomic<bool> was_durable{false};
    std::thread::id ran_on;
    REQUIRE_OK(writer.after_durable(point, [&](const Status& st) {
      CHECK_OK(st);
      ran_on = std::this_thread::get_id();
      was_durable = f.log->durable_through(point);
      done = true;
    }));
    REQUIRE(orderstream::test::wait_until([&] { return done.load(); }, std::chrono::seconds(30)));
    CHECK(was_durable.load());
    CHECK(ran_on != std::this_thread::get_id());  // it had to wait for the writer's sync

    done = false;
    REQUIRE_OK(writer.after_durable(point, [&](const Status& st) {
      CHECK_OK(st);
      ran_on = std::this_thread::get_id();
      done = true;
    }));
    CHECK(done.load());  // already durable: answered inline
    CHECK(ran_on == std::this_thread::get_id());
  }

  TEST_CASE("a writer of a lazy log never holds an answer") {
    LogFixture f;
    f.create("t");
    GroupWriter writer(*f.log, 100, /*durable=*/false);
    f.append("t", 0, {{"a", "1"}});
    bool done = false;
    REQUIRE_OK(writer.after_durable(f.log->commit_point(), [&](const Status&) { done = true; }));
    CHECK(done);
  }
}

}  // namespace
}  // namespace orderstream::log
