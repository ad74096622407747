// DriverFixture: the setup the stream tests share, a stream::TestDriver over a fresh log in the
// test's own temp dir, plus reading an output topic's values. Tests derive a Fixture from it and
// add their verbs (pipe, out, event, ...). Single-threaded, like the TestDriver.
#pragma once

#include <doctest/doctest.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "stream/test_driver.h"
#include "support/check_ok.h"
#include "support/temp_dir.h"

namespace orderstream::test {

// A make_processor that gives each task its own default-constructed P.
template <class P>
auto new_processor_per_task() {
  return [](PartitionId) { return std::make_unique<P>(); };
}

// Owns the temp dir, the topology and the driver, and dies with the test case. Not copyable or
// movable: the driver keeps a reference to `topology`. Members are destroyed driver first.
struct DriverFixture {
  TempDir dir;
  stream::Topology topology;
  std::unique_ptr<stream::TestDriver> driver;  // null until start()

  // Declares `topics` (created with the driver's partition count). Call start() next; a derived
  // fixture calls it from its own constructor, once members its processors use exist.
  DriverFixture(const std::string& dir_prefix, std::initializer_list<const char*> topics)
      : dir(dir_prefix) {
    for (const char* t : topics) topology.topics.push_back({t, {}});
  }
  DriverFixture(const DriverFixture&) = delete;
  DriverFixture& operator=(const DriverFixture&) = delete;

  // Adds `subs` to the topology and starts a driver with `partitions` over <dir>/data.
  // REQUIRES: called once.
  void start(std::vector<stream::SubTopology> subs, int32_t partitions) {
    for (auto& s : subs) topology.sub_topologies.push_back(std::move(s));
    driver = std::make_unique<stream::TestDriver>(dir.file("data"), topology, partitions);
  }

  // Values of the records appended to `topic` since the last read of it (TestDriver order:
  // partition, then offset); a null value reads as "<null>". One REQUIRE_OK assertion.
  std::vector<std::string> values(const std::string& topic) {
    auto r = driver->read_output(topic);
    REQUIRE_OK(r);
    std::vector<std::string> v;
    for (const auto& rec : *r) v.push_back(rec.value.value_or("<null>"));
    return v;
  }
};

}  // namespace orderstream::test
