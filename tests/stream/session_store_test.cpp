#include "stream/session_store.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "stream/driver_fixture.h"

using namespace orderstream;

namespace {

constexpr int64_t kGap = 1000;
constexpr int64_t kRetention = 10'000;

// Counts events per key in sessions; emits "<start>-<end>=<count>" of the session each event
// lands in, and on value "list" the key's sessions instead.
class CountSessions final : public stream::Processor {
 public:
  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    std::string key(*r.key);
    if (r.value && *r.value == "list") {
      OS_ASSIGN_OR_RETURN(std::vector<stream::SessionWindow> all, store_.sessions(ctx, key));
      std::string text;
      for (const auto& s : all) text += describe(s) + " ";
      ctx.emit("out", key, text, r.timestamp_ms);
      return Status::ok();
    }
    auto add = [](std::string_view agg) { return std::to_string((agg.empty() ? 0 : std::stoi(std::string(agg))) + 1); };
    auto merge = [](std::string_view a, std::string_view b) {
      return std::to_string(std::stoi(std::string(a)) + std::stoi(std::string(b)));
    };
    OS_ASSIGN_OR_RETURN(stream::SessionWindow s, store_.add(ctx, key, r.timestamp_ms, add, merge));
    ctx.emit("out", key, describe(s), r.timestamp_ms);
    return Status::ok();
  }

 private:
  static std::string describe(const stream::SessionWindow& s) {
    return std::to_string(s.start_ms) + "-" + std::to_string(s.end_ms) + "=" + s.aggregate;
  }
  stream::SessionStore store_{"s", kGap, kRetention};
};

struct Fixture : test::DriverFixture {
  Fixture() : DriverFixture("os-stream-session", {"in", "out"}) {
    start({{"sessions", "svc", {"in"}, stream::SessionStore("s", kGap, kRetention).store_names(),
            test::new_processor_per_task<CountSessions>()}},
          1);
  }
  std::string event(const std::string& key, int64_t ts, const std::string& value = "e") {
    REQUIRE_OK(driver->pipe("in", key, value, ts));
    std::vector<std::string> out = values("out");
    REQUIRE(out.size() == 1);
    return out[0];
  }
};

}  // namespace

TEST_SUITE("stream") {
  TEST_CASE("sessions: events within the gap share a session, beyond it start a new one") {
    Fixture f;
    CHECK(f.event("k", 100) == "100-100=1");
    CHECK(f.event("k", 1100) == "100-1100=2");  // exactly the gap: same session
    CHECK(f.event("k", 2101) == "2101-2101=1");  // one past the gap: a new one
    CHECK(f.event("other", 2101) == "2101-2101=1");
    CHECK(f.event("k", 0, "list") == "100-1100=2 2101-2101=1 ");
  }

  TEST_CASE("sessions: an out-of-order event bridging two sessions merges them") {
    Fixture f;
    f.event("k", 0);
    f.event("k", 1500);
    CHECK(f.event("k", 750) == "0-1500=3");
    CHECK(f.event("k", 0, "list") == "0-1500=3 ");
  }

  TEST_CASE("sessions: keys that are prefixes of each other stay apart") {
    Fixture f;
    f.event("a", 10);
    f.event("ab", 10);
    f.event(std::string("a\0", 2), 10);
    CHECK(f.event("a", 20) == "10-20=2");
    CHECK(f.event("a", 0, "list") == "10-20=2 ");
  }

  TEST_CASE("sessions: sessions older than the retention are deleted, and survive restarts until then") {
    Fixture f;
    f.event("k", 0);
    REQUIRE_OK(f.driver->reopen());
    CHECK(f.event("k", 500) == "0-500=2");
    f.event("other", 500 + kRetention + 1);  // stream time moves past k's session
    CHECK(f.event("k", 0, "list").empty());
  }
}
