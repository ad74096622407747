// kafka_mock_cluster: librdkafka's mock cluster as a process of its own, the Kafka peer of the
// scale-out tests (there is no Kafka broker package to test against). It prints
// "BOOTSTRAP=host:port,..." on stdout once the brokers listen, and runs until SIGTERM or SIGINT,
// or, with --commands, until stdin ends too. Only the process that owns the cluster can inject
// faults, so --commands reads one command per line from stdin and answers "ok" or "error: ...":
//   topic NAME PARTITIONS            create a topic (replication: every broker)
//   err API_KEY CODE [CODE...]       the next requests of that API fail with these error codes
//   down BROKER | up BROKER          stop or resume accepting connections (-1: every broker)
//   leader TOPIC PARTITION BROKER    move a partition's leader
//   rtt BROKER MS                    add round-trip delay
// Usage: kafka_mock_cluster [--brokers N] [--topic NAME:PARTITIONS]... [--commands]
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Args {
  int brokers = 3;
  std::vector<std::pair<std::string, int>> topics;
  bool commands = false;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "kafka_mock_cluster: %s\nusage: kafka_mock_cluster [--brokers N] "
               "[--topic NAME:PARTITIONS]... [--commands]\n",
               why.c_str());
  std::exit(2);
}

int positive(const std::string& s, const std::string& what) {
  char* end = nullptr;
  long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || v < 1 || v > 10000) usage(what + " must be 1..10000, not '" + s + "'");
  return static_cast<int>(v);
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string opt = argv[i];
    auto value = [&] {
      if (i + 1 >= argc) usage(opt + " needs a value");
      return std::string(argv[++i]);
    };
    if (opt == "--brokers") {
      a.brokers = positive(value(), "--brokers");
    } else if (opt == "--topic") {
      std::string t = value();
      size_t colon = t.rfind(':');
      if (colon == std::string::npos || colon == 0) usage("--topic wants NAME:PARTITIONS, not '" + t + "'");
      a.topics.emplace_back(t.substr(0, colon), positive(t.substr(colon + 1), "partitions"));
    } else if (opt == "--commands") {
      a.commands = true;
    } else {
      usage("unknown option '" + opt + "'");
    }
  }
  return a;
}

// One command line; the answer to print ("ok" or "error: ...").
std::string run_command(rd_kafka_mock_cluster_t* mc, int brokers, const std::string& line) {
  std::istringstream in(line);
  std::string cmd;
  in >> cmd;
  std::vector<long> nums;
  auto ok_or = [](rd_kafka_resp_err_t err) {
    return err ? std::string("error: ") + rd_kafka_err2str(err) : std::string("ok");
  };
  if (cmd == "topic") {
    std::string name;
    int parts = 0;
    if (!(in >> name >> parts) || parts < 1) return "error: topic NAME PARTITIONS";
    return ok_or(rd_kafka_mock_topic_create(mc, name.c_str(), parts, brokers));
  }
  if (cmd == "leader") {
    std::string topic;
    int32_t part = 0, broker = 0;
    if (!(in >> topic >> part >> broker)) return "error: leader TOPIC PARTITION BROKER";
    return ok_or(rd_kafka_mock_partition_set_leader(mc, topic.c_str(), part, broker));
  }
  for (long v; in >> v;) nums.push_back(v);
  if (!in.eof()) return "error: arguments must be numbers";
  if (cmd == "err") {
    if (nums.size() < 2) return "error: err API_KEY CODE [CODE...]";
    std::vector<rd_kafka_resp_err_t> codes;
    for (size_t i = 1; i < nums.size(); ++i) codes.push_back(static_cast<rd_kafka_resp_err_t>(nums[i]));
    rd_kafka_mock_push_request_errors_array(mc, static_cast<int16_t>(nums[0]), codes.size(), codes.data());
    return "ok";
  }
  if ((cmd == "down" || cmd == "up") && nums.size() == 1) {
    auto id = static_cast<int32_t>(nums[0]);
    return ok_or(cmd == "down" ? rd_kafka_mock_broker_set_down(mc, id) : rd_kafka_mock_broker_set_up(mc, id));
  }
  if (cmd == "rtt" && nums.size() == 2)
    return ok_or(rd_kafka_mock_broker_set_rtt(mc, static_cast<int32_t>(nums[0]), static_cast<int>(nums[1])));
  return "error: unknown command '" + line + "' (topic, err, down, up, leader, rtt)";
}

}  // namespace

int main(int argc, char** argv) {
  Args args = parse(argc, argv);
  // Block the stop signals before librdkafka starts its threads, so they inherit the mask and
  // only sigwait below sees them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);  // no warning about the absent bootstrap.servers
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);  // bookkeeping only
  if (!rk) {
    std::fprintf(stderr, "kafka_mock_cluster: rd_kafka_new: %s\n", err);
    return 1;
  }
  rd_kafka_mock_cluster_t* mc = rd_kafka_mock_cluster_new(rk, args.brokers);
  if (!mc) {
    std::fprintf(stderr, "kafka_mock_cluster: could not start %d mock brokers\n", args.brokers);
    rd_kafka_destroy(rk);
    return 1;
  }
  for (const auto& [name, parts] : args.topics) {
    if (rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(mc, name.c_str(), parts, args.brokers)) {
      std::fprintf(stderr, "kafka_mock_cluster: topic %s: %s\n", name.c_str(), rd_kafka_err2str(e));
      return 1;
    }
  }
  std::printf("BOOTSTRAP=%s\n", rd_kafka_mock_cluster_bootstraps(mc));
  std::fflush(stdout);

  std::mutex mu;  // a command and the cluster's destruction never overlap
  bool stopped = false;
  std::thread commands;
  if (args.commands) {
    commands = std::thread([&] {
      for (std::string line; std::getline(std::cin, line);) {
        if (line.empty()) continue;
        std::lock_guard lock(mu);
        if (stopped) return;
        std::printf("%s\n", run_command(mc, args.brokers, line).c_str());
        std::fflush(stdout);
      }
      kill(getpid(), SIGTERM);  // stdin ended: stop as on a signal (blocked, so sigwait gets it)
    });
  }
  int sig = 0;
  sigwait(&stop, &sig);
  {
    std::lock_guard lock(mu);
    stopped = true;
    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(rk);
  }
  // A signal while commands are still being read: that thread may stay blocked in getline.
  if (commands.joinable()) commands.detach();
  return 0;
}
