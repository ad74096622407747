// The mock Kafka cluster the scale-out tests run against (tests/support/kafka_mock_cluster.cpp):
// a separate process whose brokers serve kcat's metadata, keyed produce and consume.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>

#include "e2e/kcat_run.h"
#include "support/kafka_mock.h"
#include "support/temp_dir.h"

using namespace orderstream::test;

TEST_SUITE("e2e") {
  TEST_CASE("the mock Kafka cluster serves kcat metadata, keyed produce and consume from another process") {
    TempDir dir("os-kmock");
    MockKafka kafka(dir.str(), {"orders:4"});
    CHECK(std::count(kafka.bootstrap().begin(), kafka.bootstrap().end(), ',') == 2);  // 3 brokers

    CliRun meta = kcat_run_at(dir, kafka.bootstrap(), {"-L", "-t", "orders"});
    REQUIRE_MESSAGE(meta.code == 0, meta.err);
    CHECK(meta.out.find("3 brokers") != std::string::npos);
    CHECK(meta.out.find("topic \"orders\" with 4 partitions") != std::string::npos);

    CliRun produced = kcat_run_at(dir, kafka.bootstrap(), {"-P", "-t", "orders", "-K:"}, "a:1\nb:2\na:3\n");
    REQUIRE_MESSAGE(produced.code == 0, produced.err);
    CliRun read = kcat_run_at(dir, kafka.bootstrap(),
                              {"-C", "-t", "orders", "-o", "beginning", "-e", "-q", "-f", "%p %k=%s\\n"});
    REQUIRE_MESSAGE(read.code == 0, read.err);
    std::istringstream lines(read.out);
    std::string p, kv, a_partition;
    int records = 0;
    while (lines >> p >> kv) {
      ++records;
      if (kv[0] == 'a') {
        if (a_partition.empty()) a_partition = p;
        CHECK(p == a_partition);  // one key, one partition
      }
    }
    CHECK(records == 3);
  }

  TEST_CASE("the mock Kafka cluster stops on SIGTERM and refuses bad arguments with a message") {
    TempDir dir("os-kmock");
    {
      MockKafka kafka(dir.str());
      kafka.process().kill(SIGTERM);
      CHECK(kafka.process().wait_exit(std::chrono::seconds(10)) == 0);
    }
    ChildProcess bad({OS_KAFKA_MOCK, "--topic", "nopartitions"}, dir.str());
    CHECK(bad.wait_exit(std::chrono::seconds(10)) == 2);
    CHECK(bad.stderr_text().find("NAME:PARTITIONS") != std::string::npos);
  }
}
