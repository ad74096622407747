// The REST Proxy API (Confluent v2 shapes) against the real binary: produce, consume with a
// group, commit, resume from a new instance, instances of a group splitting the partitions and
// taking over a deleted one's, long-poll wake-up on records and on a rebalance, and JSON errors.
#include <doctest/doctest.h>
#include <simdjson.h>

#include <future>
#include <map>
#include <set>

#include "e2e/proxy_support.h"
#include "support/wait.h"

namespace orderstream::test {

namespace {

constexpr const char* kTopic = "test-events";

void start_topic(ServerFixture& s, int partitions) { start_with_topic(s, kTopic, partitions); }

HttpResult send(ServerFixture& s, bhttp::verb v, const std::string& target, const std::string& body = "") {
  return proxy_request(s, v, target, body);
}

// The records of a fetch, as (partition, offset, key, value JSON).
struct Got {
  int64_t partition, offset;
  std::string key, value;
};
std::vector<Got> parse_records(const std::string& body) {
  simdjson::dom::parser p;
  simdjson::dom::array arr;
  REQUIRE_MESSAGE(p.parse(body).get_array().get(arr) == simdjson::SUCCESS, body);
  std::vector<Got> out;
  for (simdjson::dom::element e : arr) {
    Got g;
    CHECK(std::string(e["topic"].get_string().value()) == kTopic);
    g.partition = e["partition"].get_int64().value();
    g.offset = e["offset"].get_int64().value();
    g.key = e["key"].is_null() ? "<null>" : std::string(e["key"].get_string().value());
    g.value = simdjson::minify(e["value"].value());
    out.push_back(g);
  }
  return out;
}

std::string instance_uri(const std::string& group, const std::string& name) {
  return "/consumers/" + group + "/instances/" + name;
}

// Creates the instance (auto.offset.reset earliest, plus the `extra` fields) and subscribes it.
void create_subscribed(ServerFixture& s, const std::string& group, const std::string& name,
                       const std::string& extra = "") {
  auto c = send(s, bhttp::verb::post, "/consumers/" + group,
                "{\"name\":\"" + name + "\",\"format\":\"json\",\"auto.offset.reset\":\"earliest\"" + extra + "}");
  REQUIRE_MESSAGE(c.status == 200, c.body);
  CHECK(c.body.find("\"instance_id\":\"" + name + "\"") != std::string::npos);
  CHECK(c.body.find("\"base_uri\":\"http://") != std::string::npos);
  auto sub = send(s, bhttp::verb::post, instance_uri(group, name) + "/subscription",
                  std::string("{\"topics\":[\"") + kTopic + "\"]}");
  REQUIRE_MESSAGE(sub.status == 204, sub.body);
}

// Fetches until `n` records arrived (each fetch long-polls up to 2 s).
std::vector<Got> fetch_n(ServerFixture& s, const std::string& uri, size_t n) {
  std::vector<Got> all;
  bool ok = wait_until([&] {
    auto r = send(s, bhttp::verb::get, uri + "/records?timeout=2000");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(r.header("content-type") == kKafkaJson);
    for (auto& g : parse_records(r.body)) all.push_back(g);
    return all.size() >= n;
  }, std::chrono::seconds(30));
  REQUIRE_MESSAGE(ok, "got " << all.size() << " of " << n << " records");
  return all;
}

// The partitions GET .../assignments lists, all of topic kTopic.
std::set<int64_t> assignments(ServerFixture& s, const std::string& uri) {
  auto r = send(s, bhttp::verb::get, uri + "/assignments");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  simdjson::dom::parser p;
  simdjson::dom::array arr;
  REQUIRE_MESSAGE(p.parse(r.body)["partitions"].get_array().get(arr) == simdjson::SUCCESS, r.body);
  std::set<int64_t> out;
  for (simdjson::dom::element e : arr) {
    CHECK(std::string(e["topic"].get_string().value()) == kTopic);
    out.insert(e["partition"].get_int64().value());
  }
  return out;
}

// Produces one record to each partition per round, values "<tag>-<round>-<partition>".
void produce_each_partition(ServerFixture& s, int partitions, int rounds, const std::string& tag) {
  std::string records;
  for (int r = 0; r < rounds; ++r)
    for (int p = 0; p < partitions; ++p)
      records += std::string(records.empty() ? "" : ",") + "{\"value\":\"" + tag + "-" + std::to_string(r) + "-" +
                 std::to_string(p) + "\",\"partition\":" + std::to_string(p) + "}";
  produce(s, kTopic, records);
}

}  // namespace

TEST_CASE("rest proxy: produce, consume with a group, commit, and a new instance resumes after the commit") {
  ServerFixture s;
  start_topic(s, 2);
  std::string body = "{\"records\":[";
  for (int i = 0; i < 10; ++i)
    body += std::string(i ? "," : "") + "{\"key\":\"k" + std::to_string(i) + "\",\"value\":{\"n\":" + std::to_string(i) + "}}";
  auto p = send(s, bhttp::verb::post, std::string("/topics/") + kTopic, body + "]}");
  REQUIRE_MESSAGE(p.status == 200, p.body);
  CHECK(p.body.find("\"key_schema_id\":null,\"value_schema_id\":null") != std::string::npos);
  // An explicit partition, a number key (stored as its JSON text) and a string value.
  auto p2 = send(s, bhttp::verb::post, std::string("/topics/") + kTopic,
                 "{\"records\":[{\"key\":7,\"value\":\"hi\",\"partition\":1}]}");
  REQUIRE_MESSAGE(p2.status == 200, p2.body);
  CHECK(p2.body.find("{\"partition\":1,\"offset\":") != std::string::npos);

  create_subscribed(s, "g1", "a");
  auto got = fetch_n(s, instance_uri("g1", "a"), 11);
  CHECK(got.size() == 11);
  std::set<std::string> keys;
  for (const Got& g : got) {
    keys.insert(g.key);
    if (g.key == "k3") CHECK(g.value == "{\"n\":3}");
    if (g.key == "7") CHECK(g.value == "\"hi\"");
  }
  CHECK(keys.size() == 11);

  // Commit only the first record of each partition, explicitly.
  std::map<int64_t, int64_t> first;
  for (const Got& g : got) first.try_emplace(g.partition, g.offset);
  std::string commit = "{\"offsets\":[";
  for (auto [part, off] : first)
    commit += std::string(commit.back() == '[' ? "" : ",") + "{\"topic\":\"" + kTopic + "\",\"partition\":" +
              std::to_string(part) + ",\"offset\":" + std::to_string(off) + "}";
  auto c = send(s, bhttp::verb::post, instance_uri("g1", "a") + "/offsets", commit + "]}");
  REQUIRE_MESSAGE(c.status == 204, c.body);
  auto committed = send(s, bhttp::verb::get, instance_uri("g1", "a") + "/offsets");
  REQUIRE(committed.status == 200);
  for (auto [part, off] : first)
    CHECK(committed.body.find("\"partition\":" + std::to_string(part) + ",\"offset\":" + std::to_string(off + 1)) !=
          std::string::npos);
  REQUIRE(send(s, bhttp::verb::delete_, instance_uri("g1", "a")).status == 204);

  // A new instance of the group starts after the committed offsets: everything but the firsts.
  create_subscribed(s, "g1", "b");
  auto rest = fetch_n(s, instance_uri("g1", "b"), 11 - first.size());
  CHECK(rest.size() == 11 - first.size());
  for (const Got& g : rest) CHECK(g.offset > first[g.partition]);
  // An empty commit commits everything fetched; a third instance then gets nothing.
  REQUIRE(send(s, bhttp::verb::post, instance_uri("g1", "b") + "/offsets").status == 204);
  create_subscribed(s, "g1", "c");
  auto none = send(s, bhttp::verb::get, instance_uri("g1", "c") + "/records?timeout=0");
  REQUIRE(none.status == 200);
  CHECK(none.body == "[]");
  // The commits are the log's consumer-group offsets: the CLI sees them too (after stop).
  CHECK(s.stop() == 0);
  ChildProcess describe({OS_BINARY, "--data-dir", s.data_dir(), "groups", "describe", "g1"}, s.dir.str());
  REQUIRE(describe.wait_exit(std::chrono::seconds(30)) == std::optional<int>(0));
  CHECK(describe.stdout_text().find(kTopic) != std::string::npos);
}

TEST_CASE("rest proxy: two instances of a group split the partitions, and one takes over when the other is deleted") {
  constexpr int kPartitions = 4, kRounds = 10, kTotal = kPartitions * kRounds;
  ServerFixture s;
  start_topic(s, kPartitions);
  const std::string a = instance_uri("split", "a"), b = instance_uri("split", "b");
  create_subscribed(s, "split", "a");
  create_subscribed(s, "split", "b");
  auto owned_a = assignments(s, a), owned_b = assignments(s, b);
  CHECK(owned_a.size() == 2);
  CHECK(owned_b.size() == 2);
  std::set<int64_t> all(owned_a.begin(), owned_a.end());
  all.insert(owned_b.begin(), owned_b.end());
  CHECK(all == std::set<int64_t>{0, 1, 2, 3});

  produce_each_partition(s, kPartitions, kRounds, "first");
  std::vector<Got> got_a, got_b;
  bool all_arrived = wait_until([&] {
    for (auto [uri, got] : {std::pair{&a, &got_a}, std::pair{&b, &got_b}}) {
      auto r = send(s, bhttp::verb::get, *uri + "/records?timeout=200");
      REQUIRE_MESSAGE(r.status == 200, r.body);
      for (auto& g : parse_records(r.body)) got->push_back(g);
    }
    return got_a.size() + got_b.size() >= kTotal;
  }, std::chrono::seconds(30));
  REQUIRE_MESSAGE(all_arrived, "got " << got_a.size() + got_b.size() << " of " << kTotal);
  // Every record exactly once across the two, each from its reader's own partitions.
  std::set<std::pair<int64_t, int64_t>> seen;
  for (const Got& g : got_a) CHECK(owned_a.count(g.partition));
  for (const Got& g : got_b) CHECK(owned_b.count(g.partition));
  for (const auto* got : {&got_a, &got_b})
    for (const Got& g : *got) CHECK_MESSAGE(seen.emplace(g.partition, g.offset).second, "twice: " << g.value);
  CHECK(seen.size() == kTotal);

  // a commits all it read; b commits only its first 3 records of each partition, then is deleted.
  REQUIRE(send(s, bhttp::verb::post, a + "/offsets").status == 204);
  std::string commit;
  for (int64_t p : owned_b)
    commit += std::string(commit.empty() ? "" : ",") + "{\"topic\":\"" + kTopic + "\",\"partition\":" +
              std::to_string(p) + ",\"offset\":2}";
  REQUIRE(send(s, bhttp::verb::post, b + "/offsets", "{\"offsets\":[" + commit + "]}").status == 204);
  REQUIRE(send(s, bhttp::verb::delete_, b).status == 204);
  CHECK(assignments(s, a) == std::set<int64_t>{0, 1, 2, 3});

  // a now reads every partition: b's from the group's committed offset 3 (b's uncommitted
  // progress is read again, at-least-once), its own from where it was, and then the new records.
  produce_each_partition(s, kPartitions, 1, "second");
  const size_t expected = owned_b.size() * (kRounds - 3) + kPartitions;
  auto after = fetch_n(s, a, expected);
  CHECK(after.size() == expected);
  std::map<int64_t, std::vector<int64_t>> offsets;
  for (const Got& g : after) offsets[g.partition].push_back(g.offset);
  for (int64_t p = 0; p < kPartitions; ++p) {
    std::vector<int64_t> want;
    for (int64_t o = owned_b.count(p) ? 3 : kRounds; o <= kRounds; ++o) want.push_back(o);
    CHECK_MESSAGE(offsets[p] == want, "partition " << p);
  }
  CHECK(send(s, bhttp::verb::get, b + "/assignments").status == 404);
}

TEST_CASE("rest proxy: with auto-commit a partition's new owner starts after what the old one fetched") {
  ServerFixture s;
  start_topic(s, 4);
  const std::string x = instance_uri("auto", "x"), y = instance_uri("auto", "y");
  create_subscribed(s, "auto", "x", ",\"auto.commit.enable\":\"true\"");
  produce_each_partition(s, 4, 1, "old");
  CHECK(fetch_n(s, x, 4).size() == 4);
  // y joins and takes two partitions: it starts at x's auto-committed offsets, so it reads only
  // what is produced next.
  create_subscribed(s, "auto", "y");
  auto owned_y = assignments(s, y);
  CHECK(owned_y.size() == 2);
  produce_each_partition(s, 4, 1, "new");
  auto got = fetch_n(s, y, 2);
  CHECK(got.size() == 2);
  for (const Got& g : got) {
    CHECK(owned_y.count(g.partition));
    CHECK(g.offset == 1);
  }
}

TEST_CASE("rest proxy: a long-poll returns as soon as records arrive") {
  ServerFixture s;
  start_topic(s, 1);
  create_subscribed(s, "g", "w");
  auto poll = std::async(std::launch::async, [&] {
    return send(s, bhttp::verb::get, instance_uri("g", "w") + "/records?timeout=60000");
  });
  // Produce while the poll is parked (re-producing until it returns, so the test does not depend
  // on the poll having been parked first).
  bool returned = wait_until([&] {
    REQUIRE(send(s, bhttp::verb::post, std::string("/topics/") + kTopic, "{\"records\":[{\"value\":1}]}").status == 200);
    return poll.wait_for(std::chrono::milliseconds(200)) == std::future_status::ready;
  }, std::chrono::seconds(30));
  REQUIRE_MESSAGE(returned, "the long-poll did not return after a produce");
  auto r = poll.get();
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK_FALSE(parse_records(r.body).empty());
}

TEST_CASE("rest proxy: a parked long-poll returns the records of a partition it gains in a rebalance") {
  ServerFixture s;
  start_topic(s, 2);
  const std::string a = instance_uri("gain", "a"), b = instance_uri("gain", "b");
  create_subscribed(s, "gain", "a");
  create_subscribed(s, "gain", "b");
  REQUIRE(assignments(s, a).size() == 1);
  produce_each_partition(s, 2, 3, "old");
  REQUIRE(fetch_n(s, a, 3).size() == 3);  // a's own partition is drained; b never reads
  const double open_before = metric(s, "http_connections_open");
  auto poll = std::async(std::launch::async,
                         [&] { return send(s, bhttp::verb::get, a + "/records?timeout=20000"); });
  // Delete b once a's poll is connected (and so, a moment later, parked on an empty partition).
  // Nothing is committed to the log after that: only the rebalance can wake the poll before its
  // 20 s timeout, which would answer [].
  REQUIRE(wait_until([&] { return metric(s, "http_connections_open") > open_before; },
                     std::chrono::seconds(30)));
  REQUIRE(send(s, bhttp::verb::delete_, b).status == 204);
  REQUIRE_MESSAGE(poll.wait_for(std::chrono::seconds(30)) == std::future_status::ready,
                  "the parked long-poll did not notice the partition it gained");
  auto r = poll.get();
  REQUIRE_MESSAGE(r.status == 200, r.body);
  auto got = parse_records(r.body);
  CHECK(got.size() == 3);
  for (const Got& g : got) CHECK(g.value.find("\"old-") == 0);
  CHECK(assignments(s, a).size() == 2);
}

TEST_CASE("rest proxy: the ecosystem's topics and stream tasks' groups are refused with 403 40301, nothing written") {
  ServerFixture s;
  start_topic(s, 1);
  auto forbidden = [](const HttpResult& r, const std::string& says) {
    CHECK(r.status == 403);
    CHECK_MESSAGE(r.body.find("\"error_code\":40301") != std::string::npos, r.body);
    CHECK_MESSAGE(r.body.find(says) != std::string::npos, r.body);
  };
  const std::string forged = "{\"records\":[{\"key\":\"g2\",\"value\":{\"id\":\"g2\",\"customerId\":1,"
                             "\"state\":\"VALIDATED\",\"product\":\"JUMPERS\",\"quantity\":1,\"price\":1}}]}";
  forbidden(send(s, bhttp::verb::post, "/topics/orders", forged), "topic orders is written only by the orders service");
  forbidden(send(s, bhttp::verb::post, "/topics/order-validations", "{\"records\":[{\"value\":1}]}"),
            "topic order-validations is written only by");
  forbidden(send(s, bhttp::verb::post, "/topics/orders-by-product", "{\"records\":[{\"value\":1}]}"),
            "the inventory service");
  forbidden(send(s, bhttp::verb::post, "/topics/platinum", "{\"records\":[{\"value\":1}]}"), "platinum");
  CHECK(s.get("/v1/orders/g2?timeout=0").status == 504);  // the forged order never existed

  forbidden(send(s, bhttp::verb::post, "/consumers/inventory", "{\"name\":\"x\"}"),
            "consumer group inventory is committed only by the inventory service");
  forbidden(send(s, bhttp::verb::post, "/consumers/validations-aggregator", "{}"), "validations-aggregator");
  forbidden(s.get("/v1/topics/orders/stream?group=fraud&timeout=0"), "consumer group fraud");
  // Reading the ecosystem's topics stays open: with a group of one's own, or none.
  CHECK(s.get("/v1/topics/orders/stream?timeout=0").status == 200);
  CHECK(s.get("/v1/topics/orders/stream?group=mine&timeout=0").status == 200);
  CHECK(send(s, bhttp::verb::post, "/consumers/mine", "{\"name\":\"x\"}").status == 200);
  // A topic of one's own takes anything.
  CHECK(send(s, bhttp::verb::post, std::string("/topics/") + kTopic, "{\"records\":[{\"value\":1}]}").status == 200);
}

TEST_CASE("rest proxy: errors are JSON with Kafka error codes") {
  ServerFixture s;
  start_topic(s, 1);
  auto has_code = [](const HttpResult& r, int code) {
    return r.body.find("\"error_code\":" + std::to_string(code)) != std::string::npos &&
           r.body.find("\"message\":") != std::string::npos;
  };
  auto unknown = send(s, bhttp::verb::post, "/topics/no-such-topic", "{\"records\":[{\"value\":1}]}");
  CHECK(unknown.status == 404);
  CHECK(has_code(unknown, 40401));
  auto bad_json = send(s, bhttp::verb::post, std::string("/topics/") + kTopic, "{\"records\":[");
  CHECK(bad_json.status == 400);
  CHECK(has_code(bad_json, 400));
  auto wrong_shape = send(s, bhttp::verb::post, std::string("/topics/") + kTopic, "{\"records\":{}}");
  CHECK(wrong_shape.status == 422);
  CHECK(has_code(wrong_shape, 422));
  auto bad_partition = send(s, bhttp::verb::post, std::string("/topics/") + kTopic,
                            "{\"records\":[{\"value\":1,\"partition\":9}]}");
  CHECK(bad_partition.status == 404);
  CHECK(has_code(bad_partition, 40402));
  auto no_instance = send(s, bhttp::verb::get, instance_uri("g", "nobody") + "/records");
  CHECK(no_instance.status == 404);
  CHECK(has_code(no_instance, 40403));
  CHECK(send(s, bhttp::verb::delete_, instance_uri("g", "nobody")).status == 404);
  auto bad_format = send(s, bhttp::verb::post, "/consumers/g", "{\"name\":\"x\",\"format\":\"avro\"}");
  CHECK(bad_format.status == 422);
  create_subscribed(s, "g", "dup");
  auto dup = send(s, bhttp::verb::post, "/consumers/g", "{\"name\":\"dup\"}");
  CHECK(dup.status == 409);
  CHECK(has_code(dup, 40902));
  auto sub_unknown = send(s, bhttp::verb::post, instance_uri("g", "dup") + "/subscription", "{\"topics\":[\"nope\"]}");
  CHECK(sub_unknown.status == 404);
  CHECK(has_code(sub_unknown, 40401));
  auto bad_commit = send(s, bhttp::verb::post, instance_uri("g", "dup") + "/offsets", "{\"offsets\":[{\"topic\":1}]}");
  CHECK(bad_commit.status == 422);
  auto bad_timeout = send(s, bhttp::verb::get, instance_uri("g", "dup") + "/records?timeout=abc");
  CHECK(bad_timeout.status == 400);
  // The server is still fine.
  CHECK(send(s, bhttp::verb::get, "/health").status == 200);
}

}  // namespace orderstream::test
