// AsyncProducer against librdkafka's mock brokers: each send completes once, on the delivery
// thread, with the partition Java's partitioner picks for its key and the offset the cluster
// gave it; a record the cluster refuses completes with the cluster's error; the records a
// producer still holds when it goes complete with Aborted.
#include <doctest/doctest.h>

#include <condition_variable>
#include <map>
#include <mutex>

#include "cluster/async_producer.h"
#include "log/partitioner.h"
#include "support/check_ok.h"
#include "support/kafka_mock.h"
#include "support/kafka_topic_io.h"
#include "support/temp_dir.h"

using namespace orderstream;
using namespace orderstream::cluster;
using orderstream::test::MockKafka;
using orderstream::test::TempDir;

namespace {

// Completions of sends, waited for with a deadline.
struct Outcomes {
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, std::pair<Status, std::pair<int32_t, int64_t>>> by_key;
  int calls = 0;

  AsyncProducer::DoneFn done_for(const std::string& key) {
    return [this, key](const Status& st, int32_t p, int64_t o) {
      std::lock_guard lock(mu);
      by_key[key] = {st, {p, o}};
      ++calls;
      cv.notify_all();
    };
  }
  bool wait_for(int n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(20), [&] { return calls >= n; });
  }
};

ClientOptions options_for(const MockKafka& kafka) {
  ClientOptions o;
  o.bootstrap_servers = kafka.bootstrap();
  o.timeout = std::chrono::milliseconds(3000);
  return o;
}

}  // namespace

TEST_SUITE("cluster") {
  TEST_CASE("an async producer completes each record once, acknowledged, on its key's partition") {
    TempDir dir("os-ap");
    MockKafka kafka(dir.str(), {"orders:4"}, 3);
    Outcomes out;
    {
      auto producer = AsyncProducer::open(options_for(kafka));
      REQUIRE_OK(producer);
      for (int i = 0; i < 50; ++i) {
        std::string key = "order-" + std::to_string(i);
        REQUIRE_OK((*producer)->send("orders", key, "{\"id\":\"" + key + "\"}", out.done_for(key)));
      }
      REQUIRE(out.wait_for(50));
      CHECK((*producer)->in_flight() == 0);
    }
    CHECK(out.calls == 50);
    std::map<int32_t, std::set<int64_t>> offsets;
    for (const auto& [key, result] : out.by_key) {
      CHECK_MESSAGE(result.first.is_ok(), result.first.to_string());
      CHECK(result.second.first == log::partition_for_key(key, 4).v);
      CHECK(offsets[result.second.first].insert(result.second.second).second);  // distinct offsets
    }
    auto records = test::read_cluster_topic(kafka.bootstrap(), "orders", 4);
    CHECK(records.size() == 50);
  }

  TEST_CASE("an async producer reports a record the cluster refuses, and aborts what it still holds when it goes") {
    TempDir dir("os-ap2");
    MockKafka kafka(dir.str(), {"orders:4"}, 1, /*commands=*/true);
    Outcomes out;
    CHECK(kafka.command("err 0 10 10 10 10 10 10 10 10") == "ok");  // Produce: MESSAGE_TOO_LARGE
    {
      auto producer = AsyncProducer::open(options_for(kafka));
      REQUIRE_OK(producer);
      REQUIRE_OK((*producer)->send("orders", "a", "x", out.done_for("a")));
      REQUIRE(out.wait_for(1));
      {
        std::lock_guard lock(out.mu);
        CHECK(out.by_key["a"].first.code() != StatusCode::kOk);
      }
      // The only broker goes away: the next record cannot be acknowledged before the producer
      // is destroyed, so it completes as aborted.
      CHECK(kafka.command("down 1") == "ok");
      REQUIRE_OK((*producer)->send("orders", "b", "y", out.done_for("b")));
    }
    REQUIRE(out.wait_for(2));
    std::lock_guard lock(out.mu);
    CHECK_MESSAGE(out.by_key["b"].first.code() == StatusCode::kAborted, out.by_key["b"].first.to_string());
  }
}
