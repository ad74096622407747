// Global sub-topologies (GlobalKTable): one task reads every partition, every task sees it.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "stream/driver_fixture.h"

using namespace orderstream;

namespace {

// The table: key -> value from "table" (a null value deletes), into global store "t".
class TableProcessor final : public stream::Processor {
 public:
  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    if (r.value) {
      ctx.put("t", *r.key, std::string(*r.value) + "@p" + std::to_string(r.partition.v));
    } else {
      ctx.del("t", *r.key);
    }
    return Status::ok();
  }
};

// For each "lookup" record, emits what the global table holds for its value (or "none").
class LookupProcessor final : public stream::Processor {
 public:
  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    OS_ASSIGN_OR_RETURN(std::optional<std::string> v, ctx.get_global("t", *r.value));
    ctx.emit("out", std::string(*r.key), v.value_or("none"), r.timestamp_ms);
    return Status::ok();
  }
};

struct Fixture : test::DriverFixture {
  Fixture() : DriverFixture("os-stream-global", {"table", "lookup", "out"}) {
    stream::SubTopology table{"table", "tables", {"table"}, {"t"},
                              test::new_processor_per_task<TableProcessor>()};
    table.global = true;
    start({table, {"lookup", "lookups", {"lookup"}, {}, test::new_processor_per_task<LookupProcessor>()}},
          4);
  }
  std::vector<std::string> lookup_all(const std::vector<std::string>& keys) {
    // Lookup records under many keys land on every partition's task.
    for (size_t i = 0; i < 32; ++i)
      for (const auto& k : keys) REQUIRE_OK(driver->pipe("lookup", "q" + std::to_string(i), k, 1, true));
    REQUIRE_OK(driver->advance());
    return values("out");
  }
};

}  // namespace

TEST_SUITE("stream") {
  TEST_CASE("global table: one task reads every partition, and every task of another sub-topology sees it all") {
    Fixture f;
    std::vector<std::string> keys;
    for (int i = 0; i < 16; ++i) keys.push_back("k" + std::to_string(i));
    for (const auto& k : keys) REQUIRE_OK(f.driver->pipe("table", k, "v" + k, 1, true));
    REQUIRE_OK(f.driver->advance());
    std::set<std::string> partitions_seen;
    for (const auto& k : keys) {
      auto v = f.driver->global_get("t", k);
      REQUIRE_OK(v);
      REQUIRE(v->has_value());
      partitions_seen.insert((*v)->substr((*v)->find('@')));
    }
    CHECK(partitions_seen.size() > 1);  // the keys came from several partitions
    for (const std::string& got : f.lookup_all(keys)) CHECK(got != "none");
  }

  TEST_CASE("global table: deletes apply, and reset-service wipes it for a full replay") {
    Fixture f;
    REQUIRE_OK(f.driver->pipe("table", "a", "1", 1));
    REQUIRE_OK(f.driver->pipe("table", "a", std::nullopt, 2));
    REQUIRE_OK(f.driver->pipe("table", "b", "2", 3));
    auto a = f.driver->global_get("t", "a");
    REQUIRE_OK(a);
    CHECK_FALSE(a->has_value());
    REQUIRE_OK(stream::Runtime::reset_service(f.driver->log(), f.topology, "tables", 4));
    auto b = f.driver->global_get("t", "b");
    REQUIRE_OK(b);
    CHECK_FALSE(b->has_value());
    REQUIRE_OK(f.driver->reopen());
    REQUIRE_OK(f.driver->advance());
    b = f.driver->global_get("t", "b");
    REQUIRE_OK(b);
    CHECK(b->has_value());
  }
}
