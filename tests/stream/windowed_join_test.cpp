#include "stream/windowed_join.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "log/read_view.h"
#include "stream/driver_fixture.h"

using namespace orderstream;

namespace {

constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kT0 = 1'700'000'000'000;

// Joins "left" and "right" (values "<id>:<payload>") by key within one minute either side; each
// pair is emitted to "joined" as "<left id>+<right id>"; duplicates and late records to "dropped".
class JoinProcessor final : public stream::Processor {
 public:
  explicit JoinProcessor(const stream::WindowedJoin& join) : join_(join) {}
  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    if (!r.key || !r.value) return invalid_argument("needs key and value");
    std::string_view v = *r.value;
    size_t colon = v.find(':');
    if (colon == std::string_view::npos) return invalid_argument("value is not id:payload");
    stream::JoinSide side{v.substr(0, colon), r.timestamp_ms, v.substr(colon + 1)};
    auto emit_pair = [&](const stream::JoinSide& l, const stream::JoinSide& rt) {
      ctx.emit("joined", std::string(*r.key), std::string(l.id) + "+" + std::string(rt.id),
               std::max(l.ts, rt.ts));
    };
    OS_ASSIGN_OR_RETURN(stream::JoinOutcome outcome,
                        r.topic == "left" ? join_.on_left(ctx, *r.key, side, emit_pair)
                                          : join_.on_right(ctx, *r.key, side, emit_pair));
    if (outcome != stream::JoinOutcome::kJoined)
      ctx.emit("dropped", std::string(*r.key),
               std::string(side.id) + (outcome == stream::JoinOutcome::kLate ? ":late" : ":dup"),
               r.timestamp_ms);
    return Status::ok();
  }

 private:
  const stream::WindowedJoin& join_;
};

struct Fixture : test::DriverFixture {
  stream::WindowedJoin join{"pay", {kMinute, kMinute, /*grace=*/0}};

  // start() runs after `join` exists: the processors keep a reference to it.
  explicit Fixture(int32_t partitions = 1)
      : DriverFixture("os-stream-join", {"left", "right", "joined", "dropped"}) {
    start({{"join", "svc", {"left", "right"}, join.store_names(),
            [this](PartitionId) { return std::make_unique<JoinProcessor>(join); }}},
          partitions);
  }
  void pipe(const std::string& topic, const std::string& key, const std::string& value, int64_t ts) {
    REQUIRE_OK(driver->pipe(topic, key, value, ts));
  }
  std::vector<std::string> out(const std::string& topic) { return values(topic); }
  // Entries left in the join's stores (every partition).
  int64_t stored_entries() {
    auto view = driver->log().read_view();
    REQUIRE_OK(view);
    int64_t n = 0;
    for (const std::string& store : join.store_names()) {
      for (int32_t p = 0; p < 4; ++p) {
        REQUIRE_OK(view->scan_store(stream::scoped_store_name("join", PartitionId(p), store), "",
                                    [&](std::string_view, std::string_view) {
                                      ++n;
                                      return true;
                                    }));
      }
    }
    return n;
  }
};

using V = std::vector<std::string>;

}  // namespace

TEST_SUITE("stream") {
  TEST_CASE("join: records within the window join, in either arrival order") {
    Fixture f;
    f.pipe("left", "o1", "o1:order", kT0);
    f.pipe("right", "o1", "p1:pay", kT0 + kMinute);  // at the window's edge: inside
    CHECK(f.out("joined") == V{"o1+p1"});
    f.pipe("right", "o2", "p2:pay", kT0 + 10);  // a payment before its order
    f.pipe("left", "o2", "o2:order", kT0 + 20);
    CHECK(f.out("joined") == V{"o2+p2"});
  }

  TEST_CASE("join: records just outside the window do not join") {
    Fixture f;
    f.pipe("left", "o1", "o1:order", kT0);
    f.pipe("right", "o1", "p1:pay", kT0 + kMinute + 1);
    f.pipe("right", "o2", "p2:pay", kT0 + kMinute + 2);
    f.pipe("left", "o2", "o2:order", kT0 + 3 * kMinute + 3);
    CHECK(f.out("joined").empty());
  }

  TEST_CASE("join: every pair of a key is produced once") {
    Fixture f;
    f.pipe("left", "o1", "o1:order", kT0);
    f.pipe("right", "o1", "p1:pay", kT0 + 1);
    f.pipe("right", "o1", "p2:pay", kT0 + 2);
    f.pipe("left", "o1", "x1:other", kT0 + 3);  // a second left record with another id
    CHECK(f.out("joined") == V{"o1+p1", "o1+p2", "x1+p1", "x1+p2"});
  }

  TEST_CASE("join: a record id seen again on its side is a duplicate and joins nothing") {
    Fixture f;
    f.pipe("left", "o1", "o1:CREATED", kT0);
    f.pipe("right", "o1", "p1:pay", kT0 + 1);
    f.pipe("left", "o1", "o1:VALIDATED", kT0 + 2);  // the same order again, in a later state
    f.pipe("right", "o1", "p1:pay", kT0 + 3);       // the same payment redelivered
    CHECK(f.out("joined") == V{"o1+p1"});
    CHECK(f.out("dropped") == V{"o1:dup", "p1:dup"});
  }

  TEST_CASE("join: a record later than its window is dropped, and old entries expire") {
    Fixture f;
    f.pipe("left", "o1", "o1:order", kT0);
    f.pipe("right", "o9", "p9:pay", kT0 + 10 * kMinute);  // moves stream time on
    f.pipe("right", "o1", "p1:pay", kT0 + 30);            // its window closed long ago
    CHECK(f.out("joined").empty());
    CHECK(f.out("dropped") == V{"p1:late"});
    // Only the entry of p9 is left: o1's expired once stream time passed its retention.
    CHECK(f.stored_entries() == 3);
  }

  TEST_CASE("join: one output per pair across restarts and partitions") {
    Fixture f(4);
    for (int i = 0; i < 40; ++i) {
      std::string id = std::to_string(i);
      REQUIRE_OK(f.driver->pipe("left", "o" + id, "o" + id + ":order", kT0 + i, /*defer=*/true));
      REQUIRE_OK(f.driver->pipe("right", "o" + id, "p" + id + ":pay", kT0 + i + 5, true));
      if (i == 20) REQUIRE_OK(f.driver->reopen());  // unprocessed records stay pending
    }
    REQUIRE_OK(f.driver->advance());
    REQUIRE_OK(f.driver->reopen());
    REQUIRE_OK(f.driver->advance());
    V joined = f.out("joined");
    std::sort(joined.begin(), joined.end());
    V want;
    for (int i = 0; i < 40; ++i) want.push_back("o" + std::to_string(i) + "+p" + std::to_string(i));
    std::sort(want.begin(), want.end());
    CHECK(joined == want);
  }
}
