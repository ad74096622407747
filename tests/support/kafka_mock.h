// MockKafka: one kafka_mock_cluster process (librdkafka's mock brokers) for one test, the Kafka
// cluster of the scale-out tests. Started with its topics, its bootstrap list read from its first
// line, stopped by its PID when the object dies. With commands on, command() injects faults
// through the launcher's stdin channel (a FIFO this object holds open). One owner thread.
#pragma once

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>
#include <memory>
#include <string>
#include <vector>

#include "support/process.h"

namespace orderstream::test {

class MockKafka {
 public:
  // topics: "name:partitions" each. REQUIRES: OS_KAFKA_MOCK names the launcher (CMake sets it).
  explicit MockKafka(const std::string& out_dir, const std::vector<std::string>& topics = {},
                     int brokers = 3, bool commands = false) {
    REQUIRE_MESSAGE(std::filesystem::exists(OS_KAFKA_MOCK), "kafka_mock_cluster is not built: " OS_KAFKA_MOCK);
    std::vector<std::string> argv{OS_KAFKA_MOCK, "--brokers", std::to_string(brokers)};
    for (const std::string& t : topics) argv.insert(argv.end(), {"--topic", t});
    if (commands) {
      // The launcher reads its commands from a FIFO held open here for writing (O_RDWR does not
      // block), so its stdin ends only when this object dies.
      std::string fifo = out_dir + "/kafka-mock-commands.fifo";
      REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
      commands_fd_ = ::open(fifo.c_str(), O_RDWR | O_CLOEXEC);
      REQUIRE(commands_fd_ >= 0);
      argv.push_back("--commands");
      argv.insert(argv.begin(), {"bash", "-c", "exec \"$0\" \"$@\" < " + fifo});
    }
    proc_ = std::make_unique<ChildProcess>(argv, out_dir);
    auto line = proc_->wait_for_output_line("BOOTSTRAP=", std::chrono::seconds(20));
    REQUIRE_MESSAGE(line.has_value(), "kafka_mock_cluster did not start: " << proc_->stderr_text());
    bootstrap_ = line->substr(line->find('=') + 1);
  }
  ~MockKafka() {
    proc_->kill(SIGTERM);
    (void)proc_->wait_exit(std::chrono::seconds(10));  // SIGKILL by ChildProcess otherwise
    if (commands_fd_ >= 0) ::close(commands_fd_);
  }
  // Sends one command line (see kafka_mock_cluster.cpp) and returns its answer ("ok" or
  // "error: ..."). REQUIRES: constructed with commands on.
  std::string command(const std::string& line) {
    REQUIRE(commands_fd_ >= 0);
    std::string text = line + "\n";
    REQUIRE(::write(commands_fd_, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    ++commands_sent_;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      std::istringstream out(proc_->stdout_text());
      std::vector<std::string> answers;
      for (std::string l; std::getline(out, l);)
        if (l == "ok" || l.rfind("error:", 0) == 0) answers.push_back(l);
      if (answers.size() >= commands_sent_) return answers[commands_sent_ - 1];
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    FAIL("kafka_mock_cluster did not answer '" << line << "'");
    return "";
  }
  MockKafka(const MockKafka&) = delete;
  MockKafka& operator=(const MockKafka&) = delete;

  // "127.0.0.1:P1,127.0.0.1:P2,..." for bootstrap.servers.
  const std::string& bootstrap() const { return bootstrap_; }
  ChildProcess& process() { return *proc_; }

 private:
  std::unique_ptr<ChildProcess> proc_;
  std::string bootstrap_;
  int commands_fd_ = -1;
  size_t commands_sent_ = 0;
};

}  // namespace orderstream::test
