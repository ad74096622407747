// examples/node-emailer against the real binary: demo customers and orders of platinum customers
// go in through the REST API, the Node.js emailer consumes the `platinum` topic with a kafkajs
// consumer group on the Kafka listener and writes one line per order to a file, also across a
// restart of the emailer. Fails when `node` or node_modules/kafkajs is missing (scripts/deps.sh
// installs both).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "e2e/cli_run.h"
#include "e2e/server_fixture.h"
#include "support/wait.h"

namespace orderstream::test {

namespace {

bool node_installed() {
  return std::system("node --version > /dev/null 2>&1") == 0;
}

std::vector<std::string> file_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Order ids of the emails in the file ("... order=<id> ...").
std::multiset<std::string> emailed_orders(const std::string& path) {
  std::multiset<std::string> out;
  for (const std::string& line : file_lines(path)) {
    size_t at = line.find(" order=");
    if (at == std::string::npos) continue;
    size_t start = at + 7;
    out.insert(line.substr(start, line.find(' ', start) - start));
  }
  return out;
}

void load_platinum_orders(ServerFixture& s, int orders, int seed) {
  // Customers 1-3 of the demo set are platinum: draw every order's customer from them.
  ChildProcess load({OS_BINARY, "load", "--url", "http://127.0.0.1:" + std::to_string(s.port), "--orders",
                     std::to_string(orders), "--customers", "3", "--stock", "1000", "--demo-customers",
                     "--seed", std::to_string(seed)},
                    s.dir.str());
  auto code = load.wait_exit(std::chrono::seconds(120));
  REQUIRE_MESSAGE((code && *code == 0), "load failed: " << load.stderr_text());
}

// The sum of the group's committed offsets, as `groups describe` shows them.
int64_t committed_total(ServerFixture& s, const std::string& group) {
  CliRun r = run_cli(s.dir.str(), {"groups", "describe", group, "--data-dir", s.data_dir()});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  int64_t total = 0;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    std::istringstream row(line);
    std::string g, topic;
    int64_t partition = 0, offset = 0;
    if (row >> g >> topic >> partition >> offset && g == group) total += offset;
  }
  return total;
}

std::unique_ptr<ChildProcess> start_emailer(ServerFixture& s, const std::string& out) {
  return std::make_unique<ChildProcess>(
      std::vector<std::string>{"node", std::string(OS_SOURCE_DIR) + "/examples/node-emailer/emailer.js", out},
      s.dir.str(), std::vector<std::string>{"ORDERSTREAM_KAFKA=127.0.0.1:" + std::to_string(s.kafka_port)});
}

// Waits until the file holds exactly `n` emails, each for a different order.
void wait_for_emails(const std::string& out, size_t n, ChildProcess& emailer) {
  std::multiset<std::string> got;
  bool ok = wait_until([&] {
    got = emailed_orders(out);
    return got.size() >= n;
  }, std::chrono::seconds(60));
  REQUIRE_MESSAGE(ok, "emails: " << got.size() << " of " << n << "; emailer stderr: " << emailer.stderr_text());
  CHECK(got.size() == n);
  CHECK(std::set<std::string>(got.begin(), got.end()).size() == n);  // no order twice
}

}  // namespace

TEST_CASE("node example: one email line per platinum order, also across an emailer restart") {
  REQUIRE_MESSAGE(node_installed(), "node is not installed: scripts/deps.sh installs nodejs");
  REQUIRE_MESSAGE(std::filesystem::exists(std::string(OS_SOURCE_DIR) + "/node_modules/kafkajs/package.json"),
                  "node_modules/kafkajs is missing: scripts/deps.sh installs it (npm ci in the project root)");
  ServerFixture s;
  s.start(2);
  const std::string out = s.dir.file("emails.txt");
  load_platinum_orders(s, 20, 11);
  auto emailer = start_emailer(s, out);
  wait_for_emails(out, 20, *emailer);

  // The group commits after the emails are written: the log shows all 20 committed. Then restart
  // the emailer; the group resumes after its committed offsets.
  REQUIRE(wait_until([&] { return committed_total(s, "node-emailer") == 20; }, std::chrono::seconds(30)));
  emailer->kill(SIGTERM);
  REQUIRE(emailer->wait_exit(std::chrono::seconds(30)).has_value());
  load_platinum_orders(s, 10, 12);
  emailer = start_emailer(s, out);
  wait_for_emails(out, 30, *emailer);
  // The emails are exactly the platinum topic's orders.
  std::multiset<std::string> got = emailed_orders(out);
  ChildProcess routed({OS_BINARY, "consume", "platinum", "-e", "--data-dir", s.data_dir(), "--format", "%k\\n"},
                      s.dir.str());
  REQUIRE(routed.wait_exit(std::chrono::seconds(60)) == std::optional<int>(0));
  std::set<std::string> platinum;
  std::istringstream keys(routed.stdout_text());
  for (std::string k; std::getline(keys, k);) platinum.insert(k);
  CHECK(std::set<std::string>(got.begin(), got.end()) == platinum);
  emailer->kill(SIGTERM);
  CHECK(emailer->wait_exit(std::chrono::seconds(30)).has_value());
}

}  // namespace orderstream::test
