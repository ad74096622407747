// Faults against the real binary: a full LMDB map (507s with JSON bodies, nothing acknowledged
// that is not stored, recovery after a restart with a bigger map) and a flipped byte in a stored
// record (verify names it; /health and /metrics name the partition; the rest keeps working).
#include <atomic>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <thread>

#include "e2e/cli_run.h"
#include "e2e/server_fixture.h"
#include "log/log.h"
#include "log/partitioner.h"
#include "services/json_codec.h"
#include "support/wait.h"

using namespace orderstream;
using namespace orderstream::test;

namespace {

std::unique_ptr<log::Log> open_read_only(const std::string& dir) {
  log::LogOptions o;
  o.dir = dir;
  o.read_only = true;
  auto log = log::Log::open(o);
  REQUIRE_MESSAGE(log.ok(), log.status().to_string());
  return std::move(log).value();
}

// Order ids with a CREATED record in `orders`.
std::set<std::string> created_orders(const std::string& dir) {
  auto log = open_read_only(dir);
  auto view = log->read_view();
  REQUIRE(view.ok());
  std::set<std::string> out;
  for (int32_t p = 0; p < log->topic("orders")->partitions; ++p) {
    auto r = view->scan({"orders", PartitionId(p)}, Offset(0), SIZE_MAX, [&](const log::RecordView& rv) {
      auto o = services::order_from_json(*rv.value, true);
      REQUIRE(o.ok());
      if (o->state == services::OrderState::kCreated) out.insert(o->id);
      return true;
    });
    REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The value of the gauge `series` (name{labels} exactly as rendered) in /metrics, or -1.
double gauge(ServerFixture& s, const std::string& series) {
  auto m = s.get("/metrics");
  size_t pos = m.body.find("\n" + series + " ");
  if (m.status != 200 || pos == std::string::npos) return -1;
  return std::stod(m.body.substr(pos + series.size() + 2));
}

}  // namespace

TEST_SUITE("e2e faults") {
  TEST_CASE("a full map answers 507 with JSON, acknowledges only what is stored, and recovers on a bigger map") {
    ServerFixture s;
    s.start(2, {"--map-size-mb", "2"});
    REQUIRE(s.put("/v1/inventory/JUMPERS", "{\"stock\":100000000}").status == 200);
    std::mutex mu;
    std::set<std::string> acked, refused;
    std::set<int> other_statuses;
    std::atomic<int> next{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t)
      clients.emplace_back([&] {
        HttpConnection c(s.port, 30000);
        while (!stop) {
          std::string id = "full-" + std::to_string(next++);
          auto r = c.request(bhttp::verb::post, "/v1/orders", order_json(id, 7, "JUMPERS", 1, 1.0));
          std::lock_guard lock(mu);
          if (r.status == 201) {
            acked.insert(id);
          } else if (r.status == 507) {
            refused.insert(id);
            CHECK_MESSAGE(r.header("Content-Type") == "application/json", r.body);
            CHECK_MESSAGE(r.body.find("\"code\":\"NoSpace\"") != std::string::npos, r.body);
            CHECK_MESSAGE(r.body.find("--map-size-mb") != std::string::npos, r.body);
            if (refused.size() >= 50) stop = true;
          } else {
            other_statuses.insert(r.status);
            stop = true;
          }
        }
      });
    for (auto& t : clients) t.join();
    REQUIRE_MESSAGE(other_statuses.empty(), "unexpected status " << *other_statuses.begin());
    REQUIRE(refused.size() >= 50);
    MESSAGE(acked.size() << " orders acknowledged before the 2 MB map filled up");
    CHECK(acked.size() > 0);
    // Health says why. A failing write marks it and a successful commit clears it (a small
    // write may still fit), so keep a write trying while waiting; it gets 200 or 507, never
    // anything else.
    REQUIRE(wait_until(
        [&] {
          int st = s.put("/v1/inventory/JUMPERS", "{\"stock\":100000001}").status;
          CHECK_MESSAGE((st == 200 || st == 507), st);
          auto h = s.get("/health");
          return h.status == 200 && h.body.find("\"storageFull\":true") != std::string::npos &&
                 h.body.find("\"status\":\"degraded\"") != std::string::npos;
        },
        std::chrono::seconds(30)));
    CHECK(gauge(s, "log_no_space_errors_total") >= 50);
    CHECK(s.stop() == 0);

    // Every acknowledged order is stored; no refused one is.
    std::set<std::string> stored = created_orders(s.data_dir());
    for (const std::string& id : acked) CHECK_MESSAGE(stored.count(id) == 1, id << " got 201 but is not in the log");
    for (const std::string& id : refused) CHECK_MESSAGE(stored.count(id) == 0, id << " got 507 but is in the log");

    // A restart with a bigger map: writes succeed and the pipeline drains everything.
    s.start(2, {"--map-size-mb", "256"});
    REQUIRE(s.post("/v1/orders", order_json("after-full", 7, "JUMPERS", 1, 1.0)).status == 201);
    acked.insert("after-full");
    for (const std::string& id : acked) {
      auto r = s.get("/v1/orders/" + id + "/validated?timeout=60000");
      REQUIRE_MESSAGE(r.status == 200, id << ": " << r.status << " " << r.body);
    }
    auto h = s.get("/health");
    CHECK(h.status == 200);
    CHECK_MESSAGE(h.body.find("\"status\":\"ok\"") != std::string::npos, h.body);
    CHECK(gauge(s, "log_storage_full") == 0);
    CHECK(s.stop() == 0);
  }

  TEST_CASE("a flipped byte in a stored order is named by verify, /health and /metrics, and the rest keeps working") {
    constexpr int32_t kPartitions = 2;
    const std::string marker = "MARK-3c9e51";  // unique: only this order's records carry it
    const int32_t bad_p = log::partition_for_key(marker, kPartitions).v;
    const int32_t good_p = 1 - bad_p;
    ServerFixture s;
    s.start(kPartitions);
    REQUIRE(s.put("/v1/inventory/JUMPERS", "{\"stock\":1000000}").status == 200);
    std::vector<std::string> ids;
    for (int i = 0; i < 20; ++i) ids.push_back("c-" + std::to_string(i));
    ids.push_back(marker);
    for (const std::string& id : ids)
      REQUIRE(s.post("/v1/orders", order_json(id, 3, "JUMPERS", 1, 1.0)).status == 201);
    for (const std::string& id : ids)
      REQUIRE(s.get("/v1/orders/" + id + "/validated?timeout=60000").status == 200);
    CHECK(s.stop() == 0);

    // Find the stored bytes of the marker order's CREATED record (its offset, CRC and all), so
    // only that record is damaged, not the other records and state that mention the order.
    int64_t bad_offset = -1;
    std::string stored;
    {
      auto log = open_read_only(s.data_dir());
      auto view = log->read_view();
      REQUIRE(view.ok());
      auto r = view->scan({"orders", PartitionId(bad_p)}, Offset(0), SIZE_MAX, [&](const log::RecordView& rv) {
        if (bad_offset < 0 && rv.value->find(marker) != std::string_view::npos) {
          bad_offset = rv.offset.v;
          log::RecordData d{rv.key, rv.value, rv.timestamp_ms, {}};
          log::encode_record(rv.offset, rv.timestamp_ms, d, &stored);
        }
        return true;
      });
      REQUIRE(r.ok());
    }
    REQUIRE(bad_offset >= 0);
    std::string path = s.data_dir() + "/data.mdb";
    std::string bytes = read_file(path);
    int copies = 0;
    // LMDB's copy-on-write may leave stale copies in free pages: flip them all alike.
    for (size_t pos = bytes.find(stored); pos != std::string::npos; pos = bytes.find(stored, pos + 1)) {
      size_t at = pos + stored.find(marker) + 2;
      bytes[at] = static_cast<char>(bytes[at] ^ 0x20);
      ++copies;
    }
    REQUIRE(copies >= 1);
    {
      std::ofstream out(path, std::ios::binary | std::ios::in | std::ios::out);
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      REQUIRE(out.good());
    }

    CliRun verify = run_cli(s.dir.str(), {"verify", "--data-dir", s.data_dir()});
    CHECK(verify.code != 0);
    CHECK_MESSAGE(verify.out.find("CORRUPT topic=orders partition=" + std::to_string(bad_p) +
                                  " offset=" + std::to_string(bad_offset) + ":") != std::string::npos,
                  verify.out << verify.err);

    s.start(kPartitions);
    auto h = s.get("/health");
    CHECK(h.status == 200);
    CHECK_MESSAGE(h.body.find("\"status\":\"degraded\"") != std::string::npos, h.body);
    CHECK_MESSAGE(h.body.find("{\"topic\":\"orders\",\"partition\":" + std::to_string(bad_p) +
                              ",\"offset\":" + std::to_string(bad_offset) + ",") != std::string::npos,
                  h.body);
    CHECK(gauge(s, "log_failed_partitions") == 1);
    CHECK(gauge(s, "log_partition_failed{partition=\"" + std::to_string(bad_p) + "\",topic=\"orders\"}") == 1);
    CHECK(gauge(s, "log_partition_failed{partition=\"" + std::to_string(good_p) + "\",topic=\"orders\"}") == 0);

    // Everything else is still served, and orders on the healthy partition still validate.
    for (const std::string& id : ids) {
      if (id == marker) continue;
      CHECK_MESSAGE(s.get("/v1/orders/" + id).status == 200, id);
    }
    int posted = 0;
    for (int i = 0; posted < 5; ++i) {
      std::string id = "n-" + std::to_string(i);
      if (log::partition_for_key(id, kPartitions).v != good_p) continue;
      REQUIRE(s.post("/v1/orders", order_json(id, 4, "JUMPERS", 1, 1.0)).status == 201);
      auto r = s.get("/v1/orders/" + id + "/validated?timeout=60000");
      CHECK_MESSAGE(r.status == 200, r.body);
      CHECK(r.body.find("\"state\":\"VALIDATED\"") != std::string::npos);
      ++posted;
    }
    // The damaged partition refuses appends with a JSON error instead of growing past damage.
    for (int i = 0;; ++i) {
      std::string id = "b-" + std::to_string(i);
      if (log::partition_for_key(id, kPartitions).v != bad_p) continue;
      auto r = s.post("/v1/orders", order_json(id, 4, "JUMPERS", 1, 1.0));
      CHECK(r.status == 500);
      CHECK_MESSAGE(r.body.find("\"code\":\"Corruption\"") != std::string::npos, r.body);
      break;
    }
    CHECK(s.stop() == 0);
  }
}
