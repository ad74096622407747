// SIGKILL in the middle of a load, restart: every acknowledged order has exactly one final
// state, and order-validations holds exactly one result per (order, check).
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "e2e/server_fixture.h"
#include "log/log.h"
#include "services/json_codec.h"
#include "support/wait.h"

using namespace orderstream;
using namespace orderstream::test;

namespace {

// Sum of every stream_consumer_lag sample in /metrics (-1 if unreadable).
double total_lag(ServerFixture& s) {
  auto m = s.get("/metrics");
  if (m.status != 200) return -1;
  double sum = 0;
  size_t pos = 0;
  while ((pos = m.body.find("\nstream_consumer_lag{", pos)) != std::string::npos) {
    size_t sp = m.body.find("} ", pos);
    sum += std::stod(m.body.substr(sp + 2, m.body.find('\n', sp) - sp - 2));
    pos = sp;
  }
  return sum;
}

template <class Fn>
void scan_topic(log::Log& log, const std::string& topic, Fn fn) {
  auto info = log.topic(topic);
  REQUIRE(info.ok());
  auto view = log.read_view();
  REQUIRE(view.ok());
  for (int32_t p = 0; p < info->partitions; ++p) {
    auto r = view->scan({topic, PartitionId(p)}, Offset(0), SIZE_MAX, [&](const log::RecordView& rv) {
      fn(std::string(*rv.value));
      return true;
    });
    REQUIRE(r.ok());
  }
}

}  // namespace

TEST_SUITE("e2e crash") {
  TEST_CASE("a server killed mid-load loses no acknowledged order and duplicates nothing") {
    ServerFixture s;
    s.start(4);
    for (const char* p : {"JUMPERS", "UNDERPANTS", "STOCKINGS"})
      REQUIRE(s.put(std::string("/v1/inventory/") + p, "{\"stock\":1000000}").status == 200);
    std::mutex mu;
    std::set<std::string> acked;
    std::atomic<bool> stop{false};
    std::atomic<int> next{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 8; ++t)
      clients.emplace_back([&] {
        HttpConnection c(s.port, 5000);
        while (!stop) {
          int i = next++;
          std::string id = "k" + std::to_string(i);
          auto r = c.request(bhttp::verb::post, "/v1/orders", order_json(id, 1 + i % 500, "JUMPERS", 1, 1.0));
          if (r.status == 201) {
            std::lock_guard lock(mu);
            acked.insert(id);
          } else if (r.status == 0) {
            return;  // the server is gone
          }
        }
      });
    REQUIRE(wait_until([&] { std::lock_guard lock(mu); return acked.size() >= 300; }, std::chrono::seconds(120)));
    s.crash();
    stop = true;
    for (auto& t : clients) t.join();
    s.start(4);

    for (const std::string& id : acked) {
      auto r = s.get("/v1/orders/" + id + "/validated?timeout=60000");
      REQUIRE_MESSAGE(r.status == 200, id << ": " << r.body);
    }
    REQUIRE(wait_until([&] { return total_lag(s) == 0; }, std::chrono::seconds(60)));

    log::LogOptions o;
    o.dir = s.data_dir();
    o.read_only = true;  // beside the live server
    auto log = log::Log::open(o);
    REQUIRE(log.ok());
    std::map<std::string, int> created, finals;
    scan_topic(**log, "orders", [&](const std::string& json) {
      auto order = services::order_from_json(json, true);
      REQUIRE(order.ok());
      (order->state == services::OrderState::kCreated ? created : finals)[order->id]++;
    });
    std::map<std::pair<std::string, std::string>, int> validations;
    scan_topic(**log, "order-validations", [&](const std::string& json) {
      auto v = services::order_validation_from_json(json);
      REQUIRE(v.ok());
      validations[{v->order_id, std::string(services::to_string(v->check_type))}]++;
    });
    for (const std::string& id : acked) {
      CHECK_MESSAGE(created[id] == 1, id);
      CHECK_MESSAGE(finals[id] == 1, id);
    }
    // Orders whose POST got no answer may be present, but then completely.
    for (const auto& [id, n] : created) {
      CHECK_MESSAGE(n == 1, id);
      CHECK_MESSAGE(finals[id] == 1, id);
    }
    for (const auto& [key, n] : validations) CHECK_MESSAGE(n == 1, key.first << " " << key.second);
    CHECK(validations.size() == 3 * created.size());
    CHECK(s.stop() == 0);
  }
}
