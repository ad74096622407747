// GET /health: what the log and the stream tasks report, combined into one answer.
#include <doctest/doctest.h>

#include <mutex>
#include <optional>

#include "api/api.h"
#include "log/test_util.h"

namespace orderstream::api {
namespace {

namespace bhttp = boost::beast::http;

struct Sink : ResponseSink {
  void complete(uint64_t, Response r) override {
    std::lock_guard lock(mu);
    res = std::move(r);
  }
  std::mutex mu;
  std::optional<Response> res;  // GUARDED_BY(mu)
};

struct Fixture {
  log::test::LogFixture f;
  std::vector<stream::TaskFailure> failing;  // what the runtime reports
  Router router;
  Fixture() {
    auto base = std::make_shared<RouteBase>();
    base->log = f.log.get();
    auto ops = std::make_shared<OpsContext>();
    ops->base = base;
    ops->failed_tasks = [this] { return failing; };
    add_ops_routes(router, ops);
  }
  // The answer to GET /health (the handler answers at once: it only reads).
  std::pair<unsigned, std::string> health() {
    auto sink = std::make_shared<Sink>();
    router.dispatch(Request{bhttp::verb::get, "/health", 11}, Responder(sink, 1));
    std::lock_guard lock(sink->mu);
    REQUIRE(sink->res.has_value());
    return {sink->res->result_int(), sink->res->body()};
  }
};

TEST_SUITE("api health") {
  TEST_CASE("a healthy log and no failing task answer ok with storageFull false") {
    Fixture x;
    auto [status, body] = x.health();
    CHECK(status == 200);
    CHECK_MESSAGE(body.find("\"status\":\"ok\"") != std::string::npos, body);
    CHECK_MESSAGE(body.find("\"storageFull\":false") != std::string::npos, body);
    CHECK_MESSAGE(body.find("storageError") == std::string::npos, body);
  }

  TEST_CASE("a task whose step was refused for space keeps storageFull true though the log's last commit fitted") {
    Fixture x;
    stream::TaskFailure t{"fraud-check", "fraud", PartitionId(1),
                          no_space("mdb_put: MDB_MAP_FULL (the LMDB map is full)"), 3};
    x.failing.push_back(t);
    auto [status, body] = x.health();
    CHECK(status == 200);
    CHECK_MESSAGE(body.find("\"status\":\"degraded\"") != std::string::npos, body);
    CHECK_MESSAGE(body.find("\"storageFull\":true") != std::string::npos, body);
    CHECK_MESSAGE(body.find("\"storageError\":\"mdb_put: MDB_MAP_FULL (the LMDB map is full)\"") !=
                      std::string::npos,
                  body);
    CHECK_MESSAGE(body.find("\"task\":\"fraud-check\"") != std::string::npos, body);
  }

  TEST_CASE("a task failing for another reason is degraded but storage is not full") {
    Fixture x;
    x.failing.push_back({"fraud-check", "fraud", PartitionId(0), corruption("bad record at offset 7"), 1});
    auto [status, body] = x.health();
    CHECK(status == 200);
    CHECK_MESSAGE(body.find("\"status\":\"degraded\"") != std::string::npos, body);
    CHECK_MESSAGE(body.find("\"storageFull\":false") != std::string::npos, body);
  }
}

}  // namespace
}  // namespace orderstream::api
