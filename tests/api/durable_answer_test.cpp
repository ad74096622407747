// send_durable / when_durable hold an answer built from a read until that read is durable.
#include "api/durable_answer.h"

#include <doctest/doctest.h>

#include <atomic>
#include <mutex>

#include "log/group_writer.h"
#include "log/test_util.h"
#include "support/wait.h"

namespace orderstream::api {
namespace {

namespace bhttp = boost::beast::http;

// Records, at the moment each answer arrives, whether the log was durable through `point`.
struct DurableSink : ResponseSink {
  log::Log* log = nullptr;
  uint64_t point = 0;
  std::mutex mu;
  int answers = 0;              // GUARDED_BY(mu)
  bool durable_on_arrival = false;  // GUARDED_BY(mu)
  void complete(uint64_t, Response) override {
    std::lock_guard lock(mu);
    ++answers;
    durable_on_arrival = log->durable_through(point);
  }
};

struct Fixture {
  log::test::LogFixture f;
  log::GroupWriter writer{*f.log, 100, f.options.sync_mode == log::SyncMode::kDurable};
  RouteBase ctx;
  Fixture() {
    ctx.log = f.log.get();
    ctx.writer = &writer;
    f.create("t");
  }
};

TEST_SUITE("http durable answers") {
  TEST_CASE("an answer from a read waits until the commit it saw is synced") {
    Fixture x;
    x.f.append("t", 0, {{"k", "v"}});  // the read below sees this commit, not yet durable
    auto sink = std::make_shared<DurableSink>();
    sink->log = x.f.log.get();
    sink->point = x.f.log->commit_point();
    REQUIRE_FALSE(x.f.log->durable_through(sink->point));
    send_durable(x.ctx, Responder(sink, 1), json_response(bhttp::status::ok, "{}"));
    REQUIRE(orderstream::test::wait_until(
        [&] {
          std::lock_guard lock(sink->mu);
          return sink->answers == 1;
        },
        std::chrono::seconds(30)));
    std::lock_guard lock(sink->mu);
    CHECK(sink->durable_on_arrival);
  }

  TEST_CASE("wait_durable returns once the latest commit is synced") {
    Fixture x;
    x.f.append("t", 0, {{"k", "v"}});
    uint64_t point = x.f.log->commit_point();
    REQUIRE_FALSE(x.f.log->durable_through(point));
    CHECK_OK(wait_durable(x.ctx));
    CHECK(x.f.log->durable_through(point));
  }
}

}  // namespace
}  // namespace orderstream::api
