// ServerFixture: runs the real orderstream binary (`serve`) on a temp data dir and port 0 for
// end-to-end tests, and talks to it over HTTP. One per test; kills its server on destruction.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "support/http_client.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace orderstream::test {

namespace bhttp = boost::beast::http;

struct ServerFixture {
  TempDir dir{"os-e2e"};
  std::unique_ptr<ChildProcess> proc;
  uint16_t port = 0;
  uint16_t kafka_port = 0;  // the Kafka listener's
  std::vector<std::string> env;  // "K=V" entries added to the server's environment

  std::string data_dir() const { return dir.file("data"); }

  // Starts `orderstream serve` and waits for its "listening on" line.
  void start(int partitions = 4, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{OS_BINARY, "serve", "--data-dir", data_dir(), "--port", "0",
                                  "--partitions", std::to_string(partitions), "--kafka-listener", "127.0.0.1:0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    proc = std::make_unique<ChildProcess>(argv, dir.str(), env);
    // A substring, not std::regex: GCC 12 warns falsely inside <regex> in sanitizer builds.
    auto line = proc->wait_for_output_line("listening on http://", std::chrono::seconds(30));
    REQUIRE_MESSAGE(line.has_value(), "server did not start; stderr: " << proc->stderr_text());
    port = static_cast<uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
    auto kafka = proc->wait_for_output_line("kafka listener on ", std::chrono::seconds(30));
    REQUIRE_MESSAGE(kafka.has_value(), "no kafka listener line; stderr: " << proc->stderr_text());
    kafka_port = static_cast<uint16_t>(std::stoi(kafka->substr(kafka->rfind(':') + 1)));
  }

  // SIGKILL, as a crash would.
  void crash() {
    proc->kill(SIGKILL);
    REQUIRE(proc->wait_exit(std::chrono::seconds(30)).has_value());
  }

  // SIGTERM; returns the exit code.
  int stop() {
    proc->kill(SIGTERM);
    auto code = proc->wait_exit(std::chrono::seconds(30));
    REQUIRE_MESSAGE(code.has_value(), "server did not stop on SIGTERM");
    return *code;
  }

  HttpResult get(const std::string& target) { return http_request(port, bhttp::verb::get, target); }
  HttpResult post(const std::string& target, const std::string& body) {
    return http_request(port, bhttp::verb::post, target, body);
  }
  HttpResult put(const std::string& target, const std::string& body) {
    return http_request(port, bhttp::verb::put, target, body);
  }
};

// The value of an unlabelled metric in /metrics, or -1 if it is missing.
inline double metric(ServerFixture& s, const std::string& name) {
  HttpResult r = s.get("/metrics");
  REQUIRE(r.status == 200);
  std::istringstream in(r.body);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
  }
  return -1;
}

inline std::string order_json(const std::string& id, int64_t customer, const std::string& product,
                              int quantity, double price) {
  return "{\"id\":\"" + id + "\",\"customerId\":" + std::to_string(customer) +
         ",\"state\":\"CREATED\",\"product\":\"" + product + "\",\"quantity\":" +
         std::to_string(quantity) + ",\"price\":" + std::to_string(price) + "}";
}

}  // namespace orderstream::test
