// MockKafka: one kafka_mock_cluster process (librdkafka's mock brokers) for one test, the Kafka
// cluster of the scale-out tests. Started with its topics, its bootstrap list read from its first
// line, stopped by its PID when the object dies. One owner thread.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/process.h"

namespace orderstream::test {

class MockKafka {
 public:
  // topics: "name:partitions" each. REQUIRES: OS_KAFKA_MOCK names the launcher (CMake sets it).
  explicit MockKafka(const std::string& out_dir, const std::vector<std::string>& topics = {},
                     int brokers = 3) {
    REQUIRE_MESSAGE(std::filesystem::exists(OS_KAFKA_MOCK), "kafka_mock_cluster is not built: " OS_KAFKA_MOCK);
    std::vector<std::string> argv{OS_KAFKA_MOCK, "--brokers", std::to_string(brokers)};
    for (const std::string& t : topics) argv.insert(argv.end(), {"--topic", t});
    proc_ = std::make_unique<ChildProcess>(argv, out_dir);
    auto line = proc_->wait_for_output_line("BOOTSTRAP=", std::chrono::seconds(20));
    REQUIRE_MESSAGE(line.has_value(), "kafka_mock_cluster did not start: " << proc_->stderr_text());
    bootstrap_ = line->substr(line->find('=') + 1);
  }
  ~MockKafka() {
    proc_->kill(SIGTERM);
    (void)proc_->wait_exit(std::chrono::seconds(10));  // SIGKILL by ChildProcess otherwise
  }
  MockKafka(const MockKafka&) = delete;
  MockKafka& operator=(const MockKafka&) = delete;

  // "127.0.0.1:P1,127.0.0.1:P2,..." for bootstrap.servers.
  const std::string& bootstrap() const { return bootstrap_; }
  ChildProcess& process() { return *proc_; }

 private:
  std::unique_ptr<ChildProcess> proc_;
  std::string bootstrap_;
};

}  // namespace orderstream::test
