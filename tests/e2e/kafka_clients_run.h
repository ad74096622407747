// Real Kafka clients (kafkajs, kafka-python, confluent-kafka) against a ServerFixture: runs the
// scenario scripts of tests/clients/ phase by phase and checks what they did from the log's side
// (`orderstream consume`, `groups describe`). Each check_* is one test case's body; every test
// thread makes its own ServerFixture.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "e2e/cli_run.h"
#include "e2e/server_fixture.h"

namespace orderstream::test {

// A client's scenario script and what it writes (tests/clients/*_scenarios.*).
struct ScenarioClient {
  std::vector<std::string> argv;  // interpreter and script
  std::string prefix;             // of its topics and groups: "<prefix>-roundtrip", ...
  std::string src;                // its records' "src" header
  std::vector<std::string> codecs;
};

// Each REQUIREs its client's runtime and package; a missing one fails the test (never a skip).
inline ScenarioClient kafkajs_client() {
  REQUIRE_MESSAGE(std::system("node --version > /dev/null 2>&1") == 0,
                  "node is not installed: scripts/deps.sh installs nodejs");
  REQUIRE_MESSAGE(std::filesystem::exists(std::string(OS_SOURCE_DIR) + "/node_modules/kafkajs/package.json"),
                  "node_modules/kafkajs is missing: scripts/deps.sh installs it (npm ci in the project root)");
  return {{"node", std::string(OS_SOURCE_DIR) + "/tests/clients/kafkajs_scenarios.js"}, "kjs", "kafkajs",
          {"gzip", "snappy"}};
}

inline ScenarioClient python_client(const std::string& module, const std::string& package, const std::string& script,
                                    const std::string& prefix, const std::string& src) {
  REQUIRE_MESSAGE(std::system(("/usr/bin/python3 -c 'import " + module + "' > /dev/null 2>&1").c_str()) == 0,
                  "/usr/bin/python3 cannot import " << module << ": scripts/deps.sh installs " << package);
  return {{"/usr/bin/python3", std::string(OS_SOURCE_DIR) + "/tests/clients/" + script}, prefix, src,
          {"gzip", "snappy", "lz4", "zstd"}};
}

inline ScenarioClient kafka_python_client() {
  return python_client("kafka, snappy, lz4.frame, zstandard", "python3-kafka python3-snappy python3-lz4 python3-zstandard",
                       "kafka_python_scenarios.py", "kp", "kafka-python");
}

inline ScenarioClient confluent_kafka_client() {
  return python_client("confluent_kafka", "python3-confluent-kafka", "confluent_kafka_scenarios.py", "cf",
                       "confluent-kafka");
}

// Runs the script's phases against the server's Kafka listener; REQUIREs that all pass within
// two minutes. Returns its stdout ("ok <phase> (<s> s)" lines).
inline std::string run_phases(ServerFixture& s, const ScenarioClient& c, const std::vector<std::string>& phases) {
  std::vector<std::string> argv = c.argv;
  argv.push_back("127.0.0.1:" + std::to_string(s.kafka_port));
  argv.insert(argv.end(), phases.begin(), phases.end());
  ChildProcess p(argv, s.dir.str());
  auto code = p.wait_exit(std::chrono::seconds(120));
  if (!code) p.kill(SIGKILL);
  REQUIRE_MESSAGE(code == std::optional<int>(0), "exit " << (code ? std::to_string(*code) : "none (killed at 120 s)")
                                                           << "\nstdout:\n" << p.stdout_text() << "\nstderr:\n"
                                                           << p.stderr_text());
  MESSAGE(p.stdout_text());
  return p.stdout_text();
}

inline std::vector<std::string> sorted_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  std::sort(out.begin(), out.end());
  return out;
}

// The topic as the log holds it, one "<partition> <offset> <key>=<value> <headers>" line per
// record, sorted.
inline std::vector<std::string> log_records(ServerFixture& s, const std::string& topic) {
  CliRun r = run_cli(s.dir.str(), {"consume", topic, "-e", "--data-dir", s.data_dir(), "-f", "%p %o %k=%s %h\\n"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return sorted_lines(r.out);
}

// What the scripts' some_records(tag, n) writes to an empty topic, as log_records shows it.
inline std::vector<std::string> written_records(const ScenarioClient& c, const std::string& tag, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string value;
    for (int k = 0; k <= i; ++k) value += tag + "-v" + std::to_string(i);
    out.push_back(std::to_string(i % 4) + " " + std::to_string(i / 4) + " " + tag + "-k" + std::to_string(i) + "=" +
                  value + " src=" + c.src + ",i=" + std::to_string(i));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// `groups describe` rows of the group as "<topic> <partition> <committed>", sorted; none for a
// group without commits.
inline std::vector<std::string> committed_offsets(ServerFixture& s, const std::string& group) {
  CliRun r = run_cli(s.dir.str(), {"groups", "describe", group, "--data-dir", s.data_dir()});
  if (r.code != 0 && r.err.find("has no committed offsets") != std::string::npos) return {};
  REQUIRE_MESSAGE(r.code == 0, r.err);
  std::vector<std::string> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    std::istringstream row(line);
    std::string g, topic, partition, offset;
    if (row >> g >> topic >> partition >> offset && g == group) out.push_back(topic + " " + partition + " " + offset);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Metadata, keyed round trips with headers, every codec and offsets by time; the log holds
// exactly what the client produced.
inline void check_produce_and_consume(const ScenarioClient& c) {
  ServerFixture s;
  s.start(4);
  run_phases(s, c, {"metadata", "roundtrip", "codecs", "timestamps"});
  CHECK(log_records(s, c.prefix + "-roundtrip") == written_records(c, "rt", 12));
  for (const std::string& codec : c.codecs) {
    CAPTURE(codec);
    CHECK(log_records(s, c.prefix + "-codec-" + codec) == written_records(c, codec, 40));
  }
}

// Two members split a 4-partition topic 2 and 2; when one leaves the other gets all 4.
inline void check_group_split(const ScenarioClient& c) {
  ServerFixture s;
  s.start(4);
  run_phases(s, c, {"group"});
}

// A group commits, the server restarts, and a new member resumes after the commit.
inline void check_commit_survives_restart(const ScenarioClient& c) {
  ServerFixture s;
  s.start(4);
  run_phases(s, c, {"commit"});
  const std::string topic = c.prefix + "-progress";
  const std::vector<std::string> two_each = {topic + " 0 2", topic + " 1 2", topic + " 2 2", topic + " 3 2"};
  CHECK(committed_offsets(s, c.prefix + "-resume") == two_each);
  REQUIRE(s.stop() == 0);
  s.start(4);
  CHECK(committed_offsets(s, c.prefix + "-resume") == two_each);
  run_phases(s, c, {"resume"});
}

// Producing to `orders` and committing for (or joining) a stream task's group are refused, and
// nothing reaches the log.
inline void check_ownership_refusals(const ScenarioClient& c) {
  ServerFixture s;
  s.start(4);
  const std::vector<std::string> inventory = committed_offsets(s, "inventory");
  run_phases(s, c, {"ownership"});
  CHECK(log_records(s, "orders").empty());
  CHECK(committed_offsets(s, "inventory") == inventory);
}

// An idempotent producer (InitProducerId, producer ids and sequences in the batches).
inline void check_idempotent_produce(const ScenarioClient& c) {
  ServerFixture s;
  s.start(4);
  run_phases(s, c, {"idempotent"});
  CHECK(log_records(s, c.prefix + "-idempotent") == written_records(c, "idem", 20));
}

}  // namespace orderstream::test
