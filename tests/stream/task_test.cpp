#include "stream/task.h"

#include <doctest/doctest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/guarded.h"
#include "log/partitioner.h"
#include "log/read_view.h"
#include "stream/test_driver.h"
#include "support/check_ok.h"
#include "support/temp_dir.h"

using namespace orderstream;

namespace {

// A processor for the runtime's contract. On topic "in" it counts records per key in store
// "counts" and emits "<value>:<count>" to "out" under the same key. Special values:
//   "bad"        rejected before touching anything
//   "bad-late"   writes state, emits, registers an after-commit action, THEN fails
//   "long-key"   puts a state key longer than the store allows
//   "no-topic"   emits to a topic that does not exist
//   "time"       emits the task's stream time instead of a count
//   "throw-after" counts as usual, plus an after-commit action that throws
// On topics "a" and "b" it emits "<topic><value>" to "out" in processing order.
class ContractProcessor final : public stream::Processor {
 public:
  explicit ContractProcessor(int* after_commits) : after_commits_(after_commits) {}

  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    std::string key = r.key ? std::string(*r.key) : "";
    std::string value = r.value ? std::string(*r.value) : "";
    if (r.topic == "a" || r.topic == "b") {
      ctx.emit("out", key, r.topic + value, r.timestamp_ms);
      return Status::ok();
    }
    if (value == "bad") return invalid_argument("bad record");
    if (value == "time") {
      ctx.emit("out", key, "time:" + std::to_string(ctx.stream_time_ms()), r.timestamp_ms);
      return Status::ok();
    }
    if (value == "long-key") {
      ctx.put("counts", std::string(log::ReadView::kMaxStoreKeyBytes + 1, 'k'), "1");
      ctx.emit("out", key, "long-key emitted", r.timestamp_ms);
      return Status::ok();
    }
    if (value == "no-topic") {
      ctx.emit("no-such-topic", key, value, r.timestamp_ms);
      ctx.put("counts", key, "999");
      return Status::ok();
    }
    OS_ASSIGN_OR_RETURN(std::optional<std::string> prev, ctx.get("counts", key));
    int count = prev ? std::stoi(*prev) + 1 : 1;
    ctx.put("counts", key, std::to_string(count));
    ctx.emit("out", key, value + ":" + std::to_string(count), r.timestamp_ms);
    ctx.emit("where", key,
             std::to_string(ctx.partition().v) + "/" + std::to_string(r.partition.v),
             r.timestamp_ms);
    if (after_commits_) ctx.after_commit([n = after_commits_] { ++*n; });
    if (value == "throw-after") ctx.after_commit([] { throw std::runtime_error("a bug in after-commit work"); });
    if (value == "bad-late") return invalid_argument("failed after writing");
    return Status::ok();
  }

 private:
  int* after_commits_;
};

stream::Topology contract_topology(int* after_commits, std::vector<std::string> inputs = {"in"}) {
  stream::Topology t;
  for (const char* name : {"in", "a", "b", "out", "where"}) t.topics.push_back({name, {}});
  t.sub_topologies.push_back({"counter", "svc", std::move(inputs), {"counts"},
                              [after_commits](PartitionId) {
                                return std::make_unique<ContractProcessor>(after_commits);
                              }});
  return t;
}

std::vector<std::string> values(const std::vector<stream::OutputRecord>& recs) {
  std::vector<std::string> out;
  for (const auto& r : recs) out.push_back(r.value.value_or("<null>"));
  return out;
}

struct Fixture {
  test::TempDir dir{"os-stream-task"};
  int after_commits = 0;
  stream::Topology topology;
  stream::TestDriver driver;
  explicit Fixture(int32_t partitions, std::vector<std::string> inputs = {"in"})
      : topology(contract_topology(&after_commits, std::move(inputs))),
        driver(dir.file("data"), topology, partitions) {}

  void pipe(const std::string& topic, const std::string& key, const std::string& value, int64_t ts,
            bool defer = false) {
    REQUIRE_OK(driver.pipe(topic, key, value, ts, defer));
  }
  std::vector<std::string> out() {
    auto r = driver.read_output("out");
    REQUIRE_OK(r);
    return values(*r);
  }
  std::optional<Offset> committed(const std::string& topic, int32_t p) {
    auto view = driver.log().read_view();
    REQUIRE_OK(view);
    auto c = view->committed("counter", {topic, PartitionId(p)});
    REQUIRE_OK(c);
    return *c;
  }
  std::optional<std::string> count(const std::string& key, int32_t p = 0) {
    auto v = driver.store_get("counter", PartitionId(p), "counts", key);
    REQUIRE_OK(v);
    return *v;
  }
};

}  // namespace

TEST_SUITE("stream") {
  TEST_CASE("a step commits outputs, state and input offsets together") {
    Fixture f(1);
    f.pipe("in", "k", "x", 10, /*defer=*/true);
    f.pipe("in", "k", "y", 11, /*defer=*/true);
    // Nothing processed yet: no position, no state, no output.
    CHECK_FALSE(f.committed("in", 0).has_value());
    CHECK_FALSE(f.count("k").has_value());
    CHECK(f.out().empty());
    REQUIRE_OK(f.driver.advance());
    CHECK(f.committed("in", 0) == Offset(2));
    CHECK(f.count("k") == std::optional<std::string>("2"));
    CHECK(f.out() == std::vector<std::string>{"x:1", "y:2"});
    CHECK(f.after_commits == 2);
    CHECK(f.driver.skipped_records() == 0);
  }

  TEST_CASE("after-commit work that throws is logged and counted, and the task goes on") {
    Fixture f(1);
    const uint64_t before = callback_exceptions();
    f.pipe("in", "k", "throw-after", 10, /*defer=*/true);
    f.pipe("in", "k", "y", 11, /*defer=*/true);
    REQUIRE_OK(f.driver.advance());
    CHECK(callback_exceptions() == before + 1);
    CHECK(f.out() == std::vector<std::string>{"throw-after:1", "y:2"});
    CHECK(f.after_commits == 2);
    f.pipe("in", "k", "z", 12);  // the task still processes (out() returns what is new)
    CHECK(f.out() == std::vector<std::string>{"z:3"});
  }

  TEST_CASE("outputs keep the input timestamps") {
    Fixture f(1);
    f.pipe("in", "k", "x", 12345);
    auto r = f.driver.read_all("out");
    REQUIRE_OK(r);
    REQUIRE(r->size() == 1);
    CHECK((*r)[0].timestamp_ms == 12345);
    CHECK((*r)[0].key == std::optional<std::string>("k"));
  }

  TEST_CASE("a record the processor rejects is skipped and counted, and the rest is processed") {
    Fixture f(1);
    for (const char* v : {"x", "bad", "y"}) f.pipe("in", "k", v, 10, /*defer=*/true);
    REQUIRE_OK(f.driver.advance());
    CHECK(f.out() == std::vector<std::string>{"x:1", "y:2"});
    CHECK(f.driver.skipped_records() == 1);
    CHECK(f.committed("in", 0) == Offset(3));
  }

  TEST_CASE("a rejected record leaves no state, output or after-commit action behind") {
    Fixture f(1);
    for (const char* v : {"x", "bad-late", "y"}) f.pipe("in", "k", v, 10, /*defer=*/true);
    REQUIRE_OK(f.driver.advance());
    // bad-late wrote count 2 and emitted before failing: both are rolled back.
    CHECK(f.out() == std::vector<std::string>{"x:1", "y:2"});
    CHECK(f.count("k") == std::optional<std::string>("2"));
    CHECK(f.after_commits == 2);
    CHECK(f.driver.skipped_records() == 1);
    auto where = f.driver.read_all("where");
    REQUIRE_OK(where);
    CHECK(where->size() == 2);
  }

  TEST_CASE("an output or state write the log would refuse skips that record, not the task") {
    Fixture f(1);
    for (const char* v : {"x", "long-key", "no-topic", "y"}) f.pipe("in", "k", v, 10, /*defer=*/true);
    REQUIRE_OK(f.driver.advance());
    CHECK(f.out() == std::vector<std::string>{"x:1", "y:2"});
    CHECK(f.driver.skipped_records() == 2);
    CHECK(f.committed("in", 0) == Offset(4));
    CHECK(f.count("k") == std::optional<std::string>("2"));
  }

  TEST_CASE("a restart resumes from the committed offsets with state intact and no duplicates") {
    Fixture f(2);
    std::vector<std::string> keys{"k1", "k2", "k3", "k4"};
    for (const auto& k : keys) f.pipe("in", k, "a", 10);
    SUBCASE("reopen between steps") {}
    SUBCASE("reopen with records appended but not processed (a crash before the step)") {
      for (const auto& k : keys) f.pipe("in", k, "pending", 11, /*defer=*/true);
    }
    REQUIRE_OK(f.driver.reopen());
    for (const auto& k : keys) f.pipe("in", k, "b", 12);
    auto all = f.driver.read_all("out");
    REQUIRE_OK(all);
    std::map<std::string, std::vector<std::string>> by_key;
    for (const auto& r : *all) by_key[*r.key].push_back(*r.value);
    for (const auto& k : keys) {
      CAPTURE(k);
      const auto& v = by_key[k];
      REQUIRE(!v.empty());
      CHECK(v.front() == "a:1");
      CHECK(v.back() == (v.size() == 3 ? "b:3" : "b:2"));
      // Counts are 1..n without gaps or repeats: each input processed exactly once.
      for (size_t i = 0; i < v.size(); ++i)
        CHECK(v[i].substr(v[i].find(':') + 1) == std::to_string(i + 1));
    }
    CHECK(f.driver.skipped_records() == 0);
  }

  TEST_CASE("a restarted task resumes with its stream time") {
    Fixture f(1);
    f.pipe("in", "k", "time", 1000);
    REQUIRE_OK(f.driver.reopen());
    f.pipe("in", "k", "time", 500);  // late record: stream time stays 1000
    CHECK(f.out() == std::vector<std::string>{"time:1000", "time:1000"});
  }

  TEST_CASE("records go to the task of their partition") {
    const int32_t partitions = 4;
    Fixture f(partitions);
    std::map<int32_t, int> per_partition;
    for (int i = 0; i < 40; ++i) {
      std::string key = "key-" + std::to_string(i);
      f.pipe("in", key, "v", i, /*defer=*/true);
      ++per_partition[log::partition_for_key(key, partitions).v];
    }
    REQUIRE_OK(f.driver.advance());
    CHECK(per_partition.size() > 1);
    auto where = f.driver.read_all("where");
    REQUIRE_OK(where);
    REQUIRE(where->size() == 40);
    for (const auto& r : *where) {
      int32_t expected = log::partition_for_key(*r.key, partitions).v;
      CAPTURE(*r.key);
      CHECK(*r.value == std::to_string(expected) + "/" + std::to_string(expected));
    }
    // Each task's state holds only its own keys.
    for (int i = 0; i < 40; ++i) {
      std::string key = "key-" + std::to_string(i);
      int32_t p = log::partition_for_key(key, partitions).v;
      for (int32_t q = 0; q < partitions; ++q) CHECK(f.count(key, q).has_value() == (q == p));
    }
  }

  TEST_CASE("two inputs are merged in event-time order, each partition keeping its own order") {
    Fixture f(1, {"a", "b"});
    f.pipe("a", "k", "1", 1, true);
    f.pipe("a", "k", "5", 5, true);
    f.pipe("a", "k", "3", 3, true);  // out of order within a: stays after a5
    f.pipe("b", "k", "2", 2, true);
    f.pipe("b", "k", "4", 4, true);
    REQUIRE_OK(f.driver.advance());
    CHECK(f.out() == std::vector<std::string>{"a1", "b2", "b4", "a5", "a3"});
  }

  TEST_CASE("the event-time merge does not run ahead of an input whose batch was cut short") {
    test::TempDir dir("os-stream-merge");
    int after = 0;
    stream::Topology topology = contract_topology(&after, {"a", "b"});
    log::LogOptions lo;
    lo.dir = dir.file("data");
    lo.create_if_missing = true;
    auto log = log::Log::open(lo);
    REQUIRE_OK(log);
    stream::RuntimeOptions ro;
    ro.partitions = 1;
    ro.max_batch = 2;
    stream::Runtime runtime(**log, topology, ro, nullptr);
    REQUIRE_OK(runtime.init());
    auto put = [&](const std::string& topic, int64_t ts) {
      std::string value = std::to_string(ts);
      log::RecordData rd;  // views: value must outlive the append
      rd.key = "k";
      rd.value = value;
      rd.timestamp_ms = ts;
      REQUIRE_OK((*log)->append(topic, PartitionId(0), std::span(&rd, 1)));
    };
    for (int64_t ts : {10, 20, 30, 40}) put("a", ts);
    for (int64_t ts : {15, 35}) put("b", ts);
    REQUIRE_OK(runtime.run_until_idle());
    auto view = (*log)->read_view();
    REQUIRE_OK(view);
    auto recs = view->read({"out", PartitionId(0)}, Offset(0), 100);
    REQUIRE_OK(recs);
    std::vector<std::string> got;
    for (const auto& r : *recs) got.push_back(*r.value);
    CHECK(got == std::vector<std::string>{"a10", "b15", "a20", "a30", "b35", "a40"});
  }
}
