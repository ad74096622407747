// The read commands against an Apache Kafka cluster (--bootstrap-servers): the real binary against
// librdkafka's mock brokers (tests/support/kafka_mock_cluster), records produced there by kcat.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "e2e/cli_run.h"
#include "e2e/kcat_run.h"
#include "support/kafka_mock.h"
#include "support/temp_dir.h"

using namespace orderstream::test;

namespace {

CliRun cluster_cli(const TempDir& dir, const MockKafka& kafka, std::vector<std::string> args) {
  args.insert(args.end(), {"--bootstrap-servers", kafka.bootstrap(), "--kafka-timeout-ms", "5000"});
  return run_cli(dir.str(), args);
}

// "p key=value" lines as partition -> the values in order.
std::map<std::string, std::vector<std::string>> by_partition(const std::string& out) {
  std::map<std::string, std::vector<std::string>> m;
  std::istringstream in(out);
  std::string p, kv;
  while (in >> p >> kv) m[p].push_back(kv);
  return m;
}

}  // namespace

TEST_SUITE("e2e") {
  TEST_CASE("topics list and describe read a Kafka cluster and never create a topic they are asked about") {
    TempDir dir("os-ccli");
    MockKafka kafka(dir.str(), {"orders:4", "payments:2"});
    CliRun produced = kcat_run_at(dir, kafka.bootstrap(), {"-P", "-t", "orders", "-K:"}, "a:1\nb:2\na:3\n");
    REQUIRE_MESSAGE(produced.code == 0, produced.err);

    CliRun list = cluster_cli(dir, kafka, {"topics", "list"});
    REQUIRE_MESSAGE(list.code == 0, list.err);
    CHECK(list.out == "orders\npayments\n");

    CliRun d = cluster_cli(dir, kafka, {"topics", "describe", "orders"});
    REQUIRE_MESSAGE(d.code == 0, d.err);
    CHECK(d.out.find("Topic: orders\tPartitions: 4\tReplicationFactor: 3") != std::string::npos);
    // The END-OFFSET column sums to the three records.
    std::istringstream rows(d.out.substr(d.out.find("ISR") + 3));
    long long p, start, end, records, total = 0;
    std::string leader, replicas, isr;
    int lines = 0;
    while (rows >> p >> start >> end >> records >> leader >> replicas >> isr) {
      ++lines;
      total += end;
      CHECK(records == end - start);
      CHECK(replicas == "1,2,3");
    }
    CHECK(lines == 4);
    CHECK(total == 3);

    CliRun missing = cluster_cli(dir, kafka, {"topics", "describe", "nope"});
    CHECK(missing.code == 1);
    CHECK(missing.err.find("topic 'nope' does not exist on the Kafka cluster at") != std::string::npos);
    CHECK(cluster_cli(dir, kafka, {"topics", "list"}).out == "orders\npayments\n");
  }

  TEST_CASE("consume reads a Kafka cluster in partition order with the embedded reader's formats and offsets") {
    TempDir dir("os-ccli");
    MockKafka kafka(dir.str(), {"orders:3"});
    CliRun produced = kcat_run_at(dir, kafka.bootstrap(), {"-P", "-t", "orders", "-K:"},
                                  "a:1\nb:2\na:3\nc:4\nb:5\na:6\n");
    REQUIRE_MESSAGE(produced.code == 0, produced.err);
    CliRun h = kcat_run_at(dir, kafka.bootstrap(), {"-P", "-t", "orders", "-K:", "-H", "trace=x1"}, "d:7\n");
    REQUIRE_MESSAGE(h.code == 0, h.err);

    CliRun all = cluster_cli(dir, kafka, {"consume", "orders", "-e", "-f", "%p %k=%s\\n"});
    REQUIRE_MESSAGE(all.code == 0, all.err);
    auto parts = by_partition(all.out);
    std::multiset<std::string> seen;
    std::map<char, std::string> partition_of_key;
    for (const auto& [partition, kvs] : parts)
      for (const std::string& kv : kvs) {
        seen.insert(kv);
        auto [it, fresh] = partition_of_key.emplace(kv[0], partition);
        CHECK(it->second == partition);  // one key, one partition
      }
    CHECK(seen == std::multiset<std::string>{"a=1", "b=2", "a=3", "c=4", "b=5", "a=6", "d=7"});
    for (const auto& [partition, kvs] : parts) {
      std::vector<std::string> a_values;
      for (const std::string& kv : kvs)
        if (kv[0] == 'a') a_values.push_back(kv);
      if (!a_values.empty()) CHECK(a_values == std::vector<std::string>{"a=1", "a=3", "a=6"});  // produced order
    }

    CliRun json = cluster_cli(dir, kafka, {"consume", "orders", "-e", "-J", "-o", "-1"});
    REQUIRE_MESSAGE(json.code == 0, json.err);
    CHECK(json.out.find("\"key\":\"d\",\"payload\":\"7\",\"headers\":[\"trace\",\"x1\"]") != std::string::npos);
    // -o -1: the last record of each partition that has any.
    size_t json_lines = 0;
    for (char ch : json.out) json_lines += ch == '\n';
    CHECK(json_lines == parts.size());

    CliRun two = cluster_cli(dir, kafka, {"consume", "orders", "-c", "2", "-f", "%s\\n"});
    REQUIRE_MESSAGE(two.code == 0, two.err);
    CHECK(std::count(two.out.begin(), two.out.end(), '\n') == 2);

    CliRun bad_partition = cluster_cli(dir, kafka, {"consume", "orders", "-p", "9", "-e"});
    CHECK(bad_partition.code == 1);
    CHECK(bad_partition.err.find("partition 9 of topic 'orders' does not exist (it has 3 partitions)") != std::string::npos);
    CliRun bad_offset = cluster_cli(dir, kafka, {"consume", "orders", "-p", "0", "-o", "99", "-e"});
    CHECK(bad_offset.code == 1);
    CHECK(bad_offset.err.find("offset 99 is out of range for orders/0") != std::string::npos);
  }

  TEST_CASE("consume --group commits to the cluster, groups describe shows it and the next run resumes there") {
    TempDir dir("os-ccli");
    MockKafka kafka(dir.str(), {"events:2"});
    REQUIRE(kcat_run_at(dir, kafka.bootstrap(), {"-P", "-t", "events", "-K:"}, "k1:1\nk2:2\nk3:3\nk4:4\n").code == 0);

    CliRun first = cluster_cli(dir, kafka, {"consume", "events", "-G", "audit", "-e", "-f", "%s\\n"});
    REQUIRE_MESSAGE(first.code == 0, first.err);
    CHECK(std::count(first.out.begin(), first.out.end(), '\n') == 4);

    CliRun described = cluster_cli(dir, kafka, {"groups", "describe", "audit", "--topic", "events"});
    REQUIRE_MESSAGE(described.code == 0, described.err);
    std::istringstream rows(described.out.substr(described.out.find("LAG") + 3));
    std::string group, topic;
    long long partition, current, end, lag, committed = 0;
    int lines = 0;
    while (rows >> group >> topic >> partition >> current >> end >> lag) {
      ++lines;
      CHECK(group == "audit");
      CHECK(current == end);
      CHECK(lag == 0);
      committed += current;
    }
    CHECK(lines == 2);
    CHECK(committed == 4);

    REQUIRE(kcat_run_at(dir, kafka.bootstrap(), {"-P", "-t", "events", "-K:"}, "k5:5\n").code == 0);
    CliRun second = cluster_cli(dir, kafka, {"consume", "events", "-G", "audit", "-e", "-f", "%s\\n"});
    REQUIRE_MESSAGE(second.code == 0, second.err);
    CHECK(second.out == "5\n");

    CliRun no_topic = cluster_cli(dir, kafka, {"groups", "describe", "audit"});
    CHECK(no_topic.code == 1);
    CHECK(no_topic.err.find("needs --topic") != std::string::npos);
  }

  TEST_CASE("cluster commands fail with a message on an unreachable cluster or a bad librdkafka property") {
    TempDir dir("os-ccli");
    MockKafka kafka(dir.str(), {"t:1"});
    CliRun bad_property = cluster_cli(dir, kafka, {"topics", "list", "-X", "no.such.property=1"});
    CHECK(bad_property.code == 1);
    CHECK(bad_property.err.find("no.such.property") != std::string::npos);
    CliRun malformed = cluster_cli(dir, kafka, {"consume", "t", "-e", "-X", "noequals"});
    CHECK(malformed.code == 1);
    CHECK(malformed.err.find("KEY=VALUE") != std::string::npos);

    kafka.process().kill(SIGTERM);
    REQUIRE(kafka.process().wait_exit(std::chrono::seconds(10)) == 0);
    CliRun gone = run_cli(dir.str(), {"topics", "list", "--bootstrap-servers", kafka.bootstrap(), "--kafka-timeout-ms", "1000"});
    CHECK(gone.code == 1);
    CHECK(gone.err.find("the Kafka cluster at " + kafka.bootstrap()) != std::string::npos);
    // A command that cannot read a cluster says so instead of reading the local log.
    CliRun dump = run_cli(dir.str(), {"dump", "--bootstrap-servers", kafka.bootstrap()});
    CHECK(dump.code == 2);
    CHECK(dump.err.find("--bootstrap-servers") != std::string::npos);
  }
}
