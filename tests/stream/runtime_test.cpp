#include "stream/runtime.h"

#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "log/read_view.h"
#include "log/write_txn.h"
#include "stream/test_driver.h"
#include "support/check_ok.h"
#include "support/temp_dir.h"
#include "support/wait.h"

using namespace orderstream;

namespace {

// Stage 1 ("double" service): in -> mid, emitting each value twice under key "<key>".
// Stage 2 ("count" service): mid -> out, counting per key in store "counts"; emits "<n>".
class DoubleProcessor final : public stream::Processor {
 public:
  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    if (!r.key || !r.value) return invalid_argument("need key and value");
    ctx.emit("mid", std::string(*r.key), std::string(*r.value), r.timestamp_ms);
    ctx.emit("mid", std::string(*r.key), std::string(*r.value), r.timestamp_ms);
    return Status::ok();
  }
};

class CountProcessor final : public stream::Processor {
 public:
  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    std::string key(*r.key);
    OS_ASSIGN_OR_RETURN(std::optional<std::string> prev, ctx.get("counts", key));
    int64_t n = prev ? std::stoll(*prev) + 1 : 1;
    ctx.put("counts", key, std::to_string(n));
    ctx.emit("out", key, std::to_string(n), r.timestamp_ms);
    return Status::ok();
  }
};

stream::Topology two_stage_topology() {
  stream::Topology t;
  for (const char* name : {"in", "mid", "out"}) t.topics.push_back({name, {}});
  t.sub_topologies.push_back({"double", "double", {"in"}, {},
                              [](PartitionId) { return std::make_unique<DoubleProcessor>(); }});
  t.sub_topologies.push_back({"count", "count", {"mid"}, {"counts"},
                              [](PartitionId) { return std::make_unique<CountProcessor>(); }});
  return t;
}

std::unique_ptr<log::Log> open_log(const std::string& dir) {
  log::LogOptions o;
  o.dir = dir;
  o.create_if_missing = true;
  o.map_size_bytes = 1ull << 30;
  auto log = log::Log::open(o);
  REQUIRE_OK(log);
  return std::move(log).value();
}

// Every record of `topic` as (key, value), partition then offset order.
std::vector<std::pair<std::string, std::string>> read_topic(const log::Log& log, const std::string& topic) {
  std::vector<std::pair<std::string, std::string>> out;
  auto info = log.topic(topic);
  REQUIRE_OK(info);
  auto view = log.read_view();
  REQUIRE_OK(view);
  for (int32_t p = 0; p < info->partitions; ++p) {
    auto recs = view->read({topic, PartitionId(p)}, Offset(0), SIZE_MAX);
    REQUIRE_OK(recs);
    for (const auto& r : *recs) out.emplace_back(r.key.value_or(""), r.value.value_or(""));
  }
  return out;
}

int64_t record_count(const log::Log& log, const std::string& topic) {
  auto info = log.topic(topic);
  if (!info.ok()) return -1;
  auto view = log.read_view();
  if (!view.ok()) return -1;
  int64_t n = 0;
  for (int32_t p = 0; p < info->partitions; ++p) {
    auto pi = view->partition_info({topic, PartitionId(p)});
    if (!pi.ok()) return -1;
    n += pi->end.v - pi->start.v;
  }
  return n;
}

// Appends inputs from..to-1 (keyed k0..k<keys-1>) in one txn, each on its key's partition.
void append_inputs(log::Log& log, int from, int to, int keys) {
  REQUIRE_OK(log.write([&](log::WriteTxn& w) {
    for (int i = from; i < to; ++i) {
      std::string key = "k" + std::to_string(i % keys), value = std::to_string(i);
      log::RecordData rd;  // views: key and value must outlive the append
      rd.key = key;
      rd.value = value;
      rd.timestamp_ms = i;
      OS_ASSIGN_OR_RETURN(PartitionId p, w.partition_for("in", key));
      OS_RETURN_IF_ERROR(w.append({"in", p}, rd).status());
    }
    return Status::ok();
  }));
}

}  // namespace

TEST_SUITE("stream") {
  TEST_CASE("reset-service wipes a service's stores and offsets so a replay recomputes its outputs") {
    test::TempDir dir("os-stream-reset");
    stream::Topology topology = two_stage_topology();
    const int32_t partitions = 3;
    std::vector<std::pair<std::string, std::string>> first;
    {
      stream::TestDriver driver(dir.file("data"), topology, partitions);
      for (int i = 0; i < 30; ++i)
        REQUIRE_OK(driver.pipe("in", "k" + std::to_string(i % 5), std::to_string(i), i, true));
      REQUIRE_OK(driver.advance());
      first = read_topic(driver.log(), "out");
      REQUIRE(first.size() == 60);
    }
    {
      auto log = open_log(dir.file("data"));
      CHECK(stream::Runtime::reset_service(*log, topology, "nope", partitions).code() ==
            StatusCode::kNotFound);
      REQUIRE_OK(stream::Runtime::reset_service(*log, topology, "count", partitions));
      auto view = log->read_view();
      REQUIRE_OK(view);
      for (int32_t p = 0; p < partitions; ++p) {
        auto c = view->committed("count", {"mid", PartitionId(p)});
        REQUIRE_OK(c);
        CHECK_FALSE(c->has_value());
        bool any = false;
        REQUIRE_OK(view->scan_store(stream::scoped_store_name("count", PartitionId(p), "counts"), "",
                                    [&](std::string_view, std::string_view) {
                                      any = true;
                                      return false;
                                    }));
        CHECK_FALSE(any);
        // The other service keeps its position.
        auto d = view->committed("double", {"in", PartitionId(p)});
        REQUIRE_OK(d);
        CHECK(d->has_value());
      }
    }
    stream::TestDriver driver(dir.file("data"), topology, partitions);
    REQUIRE_OK(driver.advance());
    auto all = read_topic(driver.log(), "out");
    REQUIRE(all.size() == 120);
    // Per partition, the replayed half equals the first run.
    std::map<std::string, std::vector<std::string>> before, after;
    for (const auto& [k, v] : first) before[k].push_back(v);
    for (const auto& [k, v] : all) after[k].push_back(v);
    for (auto& [k, v] : before) {
      CAPTURE(k);
      REQUIRE(after[k].size() == 2 * v.size());
      std::vector<std::string> replay(after[k].begin() + static_cast<long>(v.size()), after[k].end());
      CHECK(replay == v);
    }
    // Reopened, nothing to do: the replay's offsets and state were committed.
    REQUIRE_OK(driver.reopen());
    REQUIRE_OK(driver.advance());
    CHECK(read_topic(driver.log(), "out").size() == 120);
  }

  TEST_CASE("init refuses inputs that are not co-partitioned") {
    test::TempDir dir("os-stream-copart");
    auto log = open_log(dir.file("data"));
    REQUIRE_OK(log->create_topic("a", 2, {}));
    REQUIRE_OK(log->create_topic("b", 3, {}));
    stream::Topology t;
    t.sub_topologies.push_back({"ab", "ab", {"a", "b"}, {},
                                [](PartitionId) { return std::make_unique<CountProcessor>(); }});
    stream::Runtime runtime(*log, t, {}, nullptr);
    CHECK(runtime.init().code() == StatusCode::kInvalidArgument);
  }

  TEST_CASE("a multi-threaded runtime processes everything and stops cleanly") {
    stream::Topology topology = two_stage_topology();
    const int kKeys = 16, kFirst = 640, kSecond = 320;  // multiples of kKeys
    for (int threads : {0, 3}) {
      CAPTURE(threads);
      test::TempDir d("os-stream-mt");
      auto lg = open_log(d.file("data"));
      stream::RuntimeOptions ro;
      ro.partitions = 4;
      ro.threads = threads;
      ro.max_batch = 50;
      {
        stream::Runtime runtime(*lg, topology, ro, nullptr);
        REQUIRE_OK(runtime.init());
        CHECK(runtime.task_count() == 8);
        runtime.start();
        // In chunks, so appends race with the tasks' steps.
        for (int i = 0; i < kFirst; i += 64) append_inputs(*lg, i, i + 64, kKeys);
        CHECK(test::wait_until([&] { return record_count(*lg, "out") == 2 * kFirst; },
                               std::chrono::seconds(60)));
        runtime.stop();
        runtime.stop();  // idempotent
      }
      // stop() leaves the log usable: waits block again, appends work.
      CHECK_FALSE(lg->is_shut_down());
      // A new runtime resumes from the committed offsets: no duplicate outputs.
      append_inputs(*lg, kFirst, kFirst + kSecond, kKeys);
      {
        stream::Runtime runtime(*lg, topology, ro, nullptr);
        REQUIRE_OK(runtime.init());
        runtime.start();
        CHECK(test::wait_until(
            [&] { return record_count(*lg, "out") == 2 * (kFirst + kSecond); },
            std::chrono::seconds(60)));
        runtime.stop();
      }
      CHECK(record_count(*lg, "out") == 2 * (kFirst + kSecond));
      // Per key, the counts are exactly 1..n in order.
      std::map<std::string, std::vector<std::string>> by_key;
      for (const auto& [k, v] : read_topic(*lg, "out")) by_key[k].push_back(v);
      CHECK(by_key.size() == static_cast<size_t>(kKeys));
      for (const auto& [k, v] : by_key) {
        CAPTURE(k);
        REQUIRE(v.size() == static_cast<size_t>(2 * (kFirst + kSecond) / kKeys));
        for (size_t i = 0; i < v.size(); ++i) CHECK(v[i] == std::to_string(i + 1));
      }
    }
  }

  TEST_CASE("stop without start and destruction of a started runtime are clean") {
    test::TempDir dir("os-stream-stop");
    auto log = open_log(dir.file("data"));
    stream::Topology topology = two_stage_topology();
    {
      stream::Runtime runtime(*log, topology, {}, nullptr);
      REQUIRE_OK(runtime.init());
      runtime.stop();
    }
    {
      stream::Runtime runtime(*log, topology, {}, nullptr);
      REQUIRE_OK(runtime.init());
      runtime.start();
    }  // the destructor stops the threads
    CHECK_FALSE(log->is_shut_down());
  }
}
