// poll_log: a long-poll retries on a commit to the log or a change of the counter it also
// watches, and answers with expired() at its timeout; on a real log and io_context.
#include "api/log_poll.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "support/check_ok.h"
#include "support/open_log.h"
#include "support/wait.h"

namespace orderstream::api {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct PollFixture {
  test::TempDir dir{"os-log-poll"};
  std::unique_ptr<log::Log> log = test::open_log(dir);
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  std::thread runner{[this] { io.run(); }};
  std::shared_ptr<LogWatcher> watcher = LogWatcher::start(io, *log);
  std::atomic<int> attempts{0};
  std::atomic<bool> answer{false};  // what the next attempt returns
  std::atomic<bool> expired{false};
  std::atomic<uint64_t> watched{0};

  ~PollFixture() {
    watcher->stop();
    work.reset();
    io.stop();
    runner.join();
  }
  void start(milliseconds timeout) {
    poll_log(io, *log, watcher.get(), timeout, [this] { ++attempts; return answer.load(); },
             [this] { expired = true; }, [this] { return watched.load(); });
  }
  bool attempts_reach(int n) {
    return test::wait_until([&] { return attempts.load() >= n; }, seconds(10));
  }
};

TEST_CASE("poll_log retries when the log changes or the watched counter does, and stops when answered") {
  PollFixture f;
  REQUIRE_OK(f.log->create_topic("t", 1, {}));
  f.start(milliseconds(60'000));
  REQUIRE(f.attempts_reach(1));
  log::RecordData r;
  r.value = "x";
  REQUIRE_OK(f.log->append("t", PartitionId(0), std::span<const log::RecordData>(&r, 1)));
  REQUIRE(f.attempts_reach(2));
  ++f.watched;  // no commit: only the watched counter moved (a rebalance, for the REST Proxy)
  REQUIRE(f.attempts_reach(3));
  f.answer = true;
  ++f.watched;
  REQUIRE(f.attempts_reach(4));
  // Answered: later changes start no attempt. A poll still parked would re-check within 10 ms;
  // a second poll's 20 ms timeout, on the same io_context, gives it that time.
  ++f.watched;
  REQUIRE_OK(f.log->append("t", PartitionId(0), std::span<const log::RecordData>(&r, 1)));
  std::atomic<bool> second_done{false};
  poll_log(f.io, *f.log, f.watcher.get(), milliseconds(20), [] { return false; }, [&] { second_done = true; });
  REQUIRE(test::wait_until([&] { return second_done.load(); }, seconds(10)));
  CHECK(f.attempts.load() == 4);
  CHECK_FALSE(f.expired.load());
}

TEST_CASE("poll_log answers with expired() at its timeout when nothing changes") {
  PollFixture f;
  f.start(milliseconds(30));
  REQUIRE(test::wait_until([&] { return f.expired.load(); }, seconds(10)));
  CHECK(f.attempts.load() == 1);
}

TEST_CASE("the watcher wakes what is parked after the next commit, once, and nothing unparked or after stop") {
  PollFixture f;
  REQUIRE_OK(f.log->create_topic("t", 1, {}));
  std::atomic<int> first{0}, second{0}, gone{0};
  f.watcher->park([&] { ++first; });
  LogWatcher::Ticket dropped = f.watcher->park([&] { ++gone; });
  f.watcher->park([&] { ++second; });
  f.watcher->unpark(dropped);
  log::RecordData r;
  r.value = "x";
  REQUIRE_OK(f.log->append("t", PartitionId(0), std::span<const log::RecordData>(&r, 1)));
  // One sweep wakes both, in order: once the second has run, the first has and the dropped one never will.
  REQUIRE(test::wait_until([&] { return second.load() == 1; }, seconds(10)));
  CHECK(first.load() == 1);
  CHECK(gone.load() == 0);
  REQUIRE_OK(f.log->append("t", PartitionId(0), std::span<const log::RecordData>(&r, 1)));
  std::atomic<int> later{0};
  f.watcher->park([&] { ++later; });
  REQUIRE_OK(f.log->append("t", PartitionId(0), std::span<const log::RecordData>(&r, 1)));
  REQUIRE(test::wait_until([&] { return later.load() == 1; }, seconds(10)));
  CHECK(first.load() == 1);  // woken once, not by every commit
  f.watcher->stop();
  std::atomic<int> stopped{0};
  f.watcher->park([&] { ++stopped; });
  REQUIRE_OK(f.log->append("t", PartitionId(0), std::span<const log::RecordData>(&r, 1)));
  // A poll on the same io_context answers after its 30 ms: by then a sweep would have run.
  std::atomic<bool> done{false};
  poll_log(f.io, *f.log, nullptr, milliseconds(30), [] { return false; }, [&] { done = true; });
  REQUIRE(test::wait_until([&] { return done.load(); }, seconds(10)));
  CHECK(stopped.load() == 0);
}

}  // namespace
}  // namespace orderstream::api
