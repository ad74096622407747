// The same services as several `serve --backend kafka` processes on one Kafka cluster
// (librdkafka's mock brokers): they split the partitions, answer every order on every instance
// (forwarding GETs to the owner of the order's partition), and keep every order decided once when
// an instance is killed or loses its data directory (state restored from the changelogs).
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <sstream>

#include "cluster/instance_directory.h"
#include "e2e/cli_run.h"
#include "cluster/step_records.h"
#include "services/ecosystem.h"
#include "services/json_codec.h"
#include "services/topics.h"
#include "support/http_client.h"
#include "support/kafka_mock.h"
#include "support/kafka_topic_io.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/wait.h"

using namespace orderstream;
using orderstream::test::ChildProcess;
using orderstream::test::CliRun;
using orderstream::test::HttpResult;
using orderstream::test::MockKafka;
using orderstream::test::TempDir;
namespace bhttp = boost::beast::http;

namespace {

constexpr int kPartitions = 4;
constexpr const char* kApp = "scale";

// The ecosystem's topics and changelogs, created up front: the mock cannot create topics.
std::vector<std::string> cluster_topics() {
  stream::Topology t = services::make_ecosystem_topology({}, nullptr);
  std::vector<std::string> out;
  for (const stream::TopicSpec& spec : t.topics) out.push_back(spec.name + ":" + std::to_string(kPartitions));
  for (const stream::SubTopology& sub : t.sub_topologies)
    for (const std::string& store : sub.stores)
      out.push_back(cluster::changelog_topic(kApp, sub.name, store) + ":" + std::to_string(kPartitions));
  out.push_back(cluster::instances_topic(kApp) + ":1");
  return out;
}

// One `orderstream serve --backend kafka` process.
struct Instance {
  std::string id, data_dir;
  std::vector<std::string> extra;  // more serve arguments
  std::unique_ptr<ChildProcess> proc;
  uint16_t port = 0;

  void start(const TempDir& dir, const MockKafka& kafka) {
    std::vector<std::string> argv{OS_BINARY, "serve", "--data-dir", data_dir, "--port", "0", "--partitions",
                                  std::to_string(kPartitions), "--backend", "kafka", "--bootstrap-servers",
                                  kafka.bootstrap(), "--application-id", kApp, "--instance-id", id,
                                  "--kafka-timeout-ms", "5000",
                                  // The mock's rebalances take session.timeout.ms - 1 s.
                                  "-X", "session.timeout.ms=4000", "-X", "heartbeat.interval.ms=500"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    proc = std::make_unique<ChildProcess>(argv, dir.str());
    auto line = proc->wait_for_output_line("listening on http://", std::chrono::seconds(30));
    REQUIRE_MESSAGE(line.has_value(), id << " did not start; stderr: " << proc->stderr_text());
    size_t host = line->find("http://") + 7;
    port = static_cast<uint16_t>(std::stoi(line->substr(line->find(':', host) + 1)));
  }
  HttpResult get(const std::string& target) { return test::http_request(port, bhttp::verb::get, target); }
  // An unlabelled metric's value, -1 when missing.
  double metric(const std::string& name) {
    HttpResult r = get("/metrics");
    REQUIRE(r.status == 200);
    size_t at = r.body.find("\n" + name + " ");
    return at == std::string::npos ? -1 : std::stod(r.body.substr(at + name.size() + 2));
  }
};

// Instances node0..node<n-1>, each with its own data dir, started one after the other.
std::vector<Instance> start_instances(const TempDir& dir, const MockKafka& kafka, int n,
                                      const std::vector<std::string>& extra) {
  std::vector<Instance> nodes(n);
  for (int i = 0; i < n; ++i) {
    nodes[i].id = "node" + std::to_string(i);
    nodes[i].data_dir = dir.file("data" + std::to_string(i));
    nodes[i].extra = extra;
    nodes[i].start(dir, kafka);
  }
  return nodes;
}

std::string order_json(const std::string& id) {
  services::Order o{id, 7, services::OrderState::kCreated, services::Product::kJumpers, 1, 10.0};
  return services::to_json(o);
}

// Waits for order `id` to be VALIDATED as instance `at` answers it (503 while its partition
// moves is retried; the long-poll itself waits up to 5 s per call).
bool validated_at(Instance& at, const std::string& id) {
  return test::wait_until(
      [&] {
        HttpResult r = at.get("/v1/orders/" + id + "/validated?timeout=5000");
        if (r.status == 200) {
          REQUIRE_MESSAGE(r.body.find("\"VALIDATED\"") != std::string::npos, r.body);
          return true;
        }
        REQUIRE_MESSAGE((r.status == 503 || r.status == 504), at.id << ": " << r.status << " " << r.body);
        return false;
      },
      std::chrono::seconds(90));
}

// Final states per order on the cluster's orders topic; a second final counts as `twice`.
std::map<std::string, std::string> finals(const MockKafka& kafka, int* twice) {
  std::map<std::string, std::string> out;
  for (const log::Record& r : test::read_cluster_topic(kafka.bootstrap(), services::topics::kOrders, kPartitions)) {
    auto o = services::order_from_json(r.value.value_or(""), true);
    if (!o.ok() || o->state == services::OrderState::kCreated) continue;
    if (out.count(o->id)) ++*twice;
    out[o->id] = services::to_string(o->state);
  }
  return out;
}

void post_orders(Instance& to, int from, int until) {
  for (int i = from; i <= until; ++i) {
    HttpResult r = test::http_request(to.port, bhttp::verb::post, "/v1/orders", order_json("o" + std::to_string(i)));
    REQUIRE_MESSAGE(r.status == 201, to.id << ": " << r.status << " " << r.body);
  }
}

}  // namespace

TEST_SUITE("cluster") {
  TEST_CASE("three serve instances on one Kafka cluster split the work, answer every order anywhere and survive a kill and a lost data dir") {
    TempDir dir("os-scale");
    MockKafka kafka(dir.str(), cluster_topics(), 1);
    std::vector<Instance> nodes = start_instances(dir, kafka, 3, {});
    HttpResult stock = test::http_request(nodes[0].port, bhttp::verb::put, "/v1/inventory/JUMPERS", "{\"stock\":1000}");
    REQUIRE_MESSAGE(stock.status == 200, stock.body << nodes[0].proc->stderr_text());
    // Orders posted to each instance in turn; every instance answers every one of them.
    for (int i = 0; i < 3; ++i) post_orders(nodes[i], 1 + 4 * i, 4 + 4 * i);
    for (Instance& at : nodes)
      for (int i = 1; i <= 12; ++i) REQUIRE_MESSAGE(validated_at(at, "o" + std::to_string(i)), at.id << " o" << i);
    // Each instance runs some of the work: the tasks' health is in every /health.
    for (Instance& at : nodes) CHECK(at.get("/health").status == 200);

    // A crash: its partitions move to the other two, their state restored from the changelogs.
    nodes[2].proc->kill(SIGKILL);
    REQUIRE(nodes[2].proc->wait_exit(std::chrono::seconds(30)).has_value());
    post_orders(nodes[0], 13, 16);
    post_orders(nodes[1], 17, 20);
    for (int n = 0; n < 2; ++n)
      for (int i = 1; i <= 20; ++i) REQUIRE_MESSAGE(validated_at(nodes[n], "o" + std::to_string(i)), nodes[n].id << " o" << i);

    // A lost data directory: the instance comes back with nothing and restores what it gets.
    nodes[1].proc->kill(SIGTERM);
    REQUIRE(nodes[1].proc->wait_exit(std::chrono::seconds(30)) == 0);
    std::filesystem::remove_all(nodes[1].data_dir);
    nodes[1].start(dir, kafka);
    CHECK(test::wait_until([&] { return nodes[1].metric("stream_restored_records_total") > 0; },
                           std::chrono::seconds(60)));
    post_orders(nodes[1], 21, 24);
    for (int n = 0; n < 2; ++n)
      for (int i = 1; i <= 24; ++i) REQUIRE_MESSAGE(validated_at(nodes[n], "o" + std::to_string(i)), nodes[n].id << " o" << i);

    int twice = 0;
    std::map<std::string, std::string> decided = finals(kafka, &twice);
    CHECK(decided.size() == 24);
    CHECK(twice == 0);
    // Stock reserved once per order, whichever instance holds the inventory task now.
    HttpResult inv = nodes[0].get("/v1/inventory/JUMPERS");
    REQUIRE(inv.status == 200);
    CHECK(inv.body.find("\"reserved\":24") != std::string::npos);
    // The audit over the cluster's topics and the state restored from its changelogs.
    CliRun audit = test::run_cli(dir.str(), {"audit", "--bootstrap-servers", kafka.bootstrap(), "--application-id", kApp,
                                             "--kafka-timeout-ms", "5000"});
    // The mock keeps no transactional offsets, so every rebalance replays the inputs from their
    // start: the stateful checks remember each order, the stateless order-details check repeats
    // its verdict (a real cluster resumes from the committed offsets). Nothing else may show.
    std::istringstream lines(audit.out);
    int repeats = 0;
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("VIOLATION", 0) != 0) continue;
      ++repeats;
      CHECK_MESSAGE((line.find("VIOLATION duplicate-validation topic=order-validations") == 0 &&
                     line.find("second ORDER_DETAILS_CHECK") != std::string::npos),
                    line);
    }
    CHECK(audit.code == (repeats > 0 ? 1 : 0));
    CHECK_MESSAGE(audit.out.find(" violations; 24 orders (0 not final), 24 finals") != std::string::npos, audit.out << audit.err);
  }
}

TEST_SUITE("cluster") {
  TEST_CASE("serve with the Kafka backend refuses what it cannot do with a clear error") {
    TempDir dir("os-scale");
    auto run = [&](std::vector<std::string> args) {
      args.insert(args.begin(), {OS_BINARY, "serve", "--data-dir", dir.file("data"), "--port", "0"});
      ChildProcess p(args, dir.str());
      auto code = p.wait_exit(std::chrono::seconds(30));
      REQUIRE(code.has_value());
      return std::make_pair(*code, p.stderr_text());
    };
    auto [no_cluster, why] = run({"--backend", "kafka"});
    CHECK(no_cluster == 2);
    CHECK(why.find("--backend kafka needs --bootstrap-servers") != std::string::npos);
    auto [listener, why_listener] = run({"--backend", "kafka", "--bootstrap-servers", "127.0.0.1:1",
                                         "--kafka-listener", "127.0.0.1:0"});
    CHECK(listener == 2);
    CHECK(why_listener.find("Kafka clients connect to the cluster itself") != std::string::npos);
    auto [bad, why_bad] = run({"--backend", "zookeeper"});
    CHECK(bad == 2);
    CHECK(why_bad.find("--backend") != std::string::npos);
  }

  TEST_CASE("two Kafka-backed instances with an API token forward reads and waits and refuse the log routes with 501") {
    TempDir dir("os-scale");
    MockKafka kafka(dir.str(), cluster_topics(), 1);
    std::vector<Instance> nodes = start_instances(dir, kafka, 2, {"--api-token", "sekret"});
    auto call = [](Instance& at, bhttp::verb verb, const std::string& target, const std::string& body = "") {
      test::HttpConnection c(at.port);
      c.extra_headers = {{"Authorization", "Bearer sekret"}};
      return c.request(verb, target, body);
    };
    HttpResult stock = call(nodes[0], bhttp::verb::put, "/v1/inventory/JUMPERS", "{\"stock\":1000}");
    REQUIRE_MESSAGE(stock.status == 200, stock.body);
    // POST ?wait=validated on each instance answers 201 with the final order, wherever its
    // partition's view runs (both instances own some partitions once the group settled).
    int created = 0;
    REQUIRE(test::wait_until(
        [&] {
          std::string id = "w" + std::to_string(created);
          HttpResult r = call(nodes[created % 2], bhttp::verb::post, "/v1/orders?wait=validated&timeout=10000",
                              order_json(id));
          REQUIRE_MESSAGE((r.status == 201 || r.status == 202), r.status << " " << r.body);
          if (r.status == 201) {
            CHECK(r.body.find("\"VALIDATED\"") != std::string::npos);
            CHECK(r.header("Location") == "/v1/orders/" + id);
          }
          ++created;
          return created >= 8 && r.status == 201;
        },
        std::chrono::seconds(90)));
    // Every order answered by both, through the token: forwarded GETs carry it.
    for (Instance& at : nodes)
      for (int i = 0; i < created; ++i)
        REQUIRE(test::wait_until(
            [&] {
              HttpResult r = call(at, bhttp::verb::get, "/v1/orders/w" + std::to_string(i) + "/validated?timeout=5000");
              REQUIRE_MESSAGE((r.status == 200 || r.status == 503 || r.status == 504), r.status << " " << r.body);
              return r.status == 200;
            },
            std::chrono::seconds(60)));
    // Re-POSTs go to the owner of the order's partition, whose view knows the order: the same
    // order is 201 again (no new event), another under its id 409, on either instance.
    for (Instance& at : nodes) {
      HttpResult same = call(at, bhttp::verb::post, "/v1/orders", order_json("w0"));
      CHECK_MESSAGE(same.status == 201, same.body);
      services::Order other{"w0", 8, services::OrderState::kCreated, services::Product::kJumpers, 2, 10.0};
      HttpResult clash = call(at, bhttp::verb::post, "/v1/orders", services::to_json(other));
      CHECK_MESSAGE(clash.status == 409, clash.body);
    }
    int twice = 0;
    std::map<std::string, std::string> decided = finals(kafka, &twice);
    CHECK(twice == 0);
    CHECK(static_cast<int>(decided.size()) == created);
    // The log's own routes belong to the embedded backend.
    for (const char* target : {"/topics/orders", "/ksql", "/v1/admin/topics"}) {
      HttpResult r = call(nodes[0], bhttp::verb::post, target, "{}");
      CHECK_MESSAGE(r.status == 501, target << " " << r.status);
      CHECK(r.body.find("--bootstrap-servers") != std::string::npos);
    }
    CHECK(call(nodes[1], bhttp::verb::get, "/v1/orders/w0").status == 200);
    CHECK(test::http_request(nodes[1].port, bhttp::verb::get, "/v1/orders/w0").status == 401);
  }
}
