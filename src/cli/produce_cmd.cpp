// `orderstream produce`: kcat -P for the embedded log. One record per stdin line, appended in
// transactions of up to kBatchRecords records: into the log, or, while `orderstream serve` holds
// it, through that server (server_client.h), one request per batch (split further to fit the
// server's body limit).
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/server_client.h"

namespace orderstream::cli {
namespace {

struct ProduceArgs {
  std::string topic;
  std::optional<int32_t> partition;
  std::string key_delimiter;  // empty: no keys
  bool null_empty = false;
  std::vector<std::string> headers;  // K=V
};

constexpr size_t kBatchRecords = 10000;

struct Line {
  std::optional<std::string> key;
  std::optional<std::string> value;
};

Line split_line(std::string&& line, const ProduceArgs& a) {
  Line l;
  if (!a.key_delimiter.empty()) {
    size_t d = line.find(a.key_delimiter);
    // kcat: a line without the delimiter is a value with a null key.
    if (d != std::string::npos) {
      l.key = line.substr(0, d);
      line.erase(0, d + a.key_delimiter.size());
    }
  }
  if (!(a.null_empty && line.empty())) l.value = std::move(line);
  return l;
}

Status produce(const GlobalOptions& g, const ProduceArgs& a) {
  std::vector<log::Header> headers;
  for (const std::string& h : a.headers) {
    size_t eq = h.find('=');
    if (eq == std::string::npos || eq == 0)
      return invalid_argument("--header must be KEY=VALUE, got '" + h + "'");
    headers.push_back(log::Header{h.substr(0, eq), h.substr(eq + 1)});
  }
  OS_ASSIGN_OR_RETURN(WriteTarget w, open_for_write(g, Access::kWriteOrCreate));
  // Beside a server the topic is looked up in a read-only open, which works beside it.
  std::unique_ptr<log::Log> read_only;
  if (w.server) {
    OS_ASSIGN_OR_RETURN(read_only, open_log(g, Access::kReadOnly));
  }
  log::Log& log = w.log ? *w.log : *read_only;
  OS_ASSIGN_OR_RETURN(log::TopicInfo topic, log.topic(a.topic));
  std::optional<PartitionId> partition;
  if (a.partition) {
    if (*a.partition >= topic.partitions)
      return not_found("partition " + std::to_string(*a.partition) + " of topic '" + a.topic +
                       "' does not exist (it has " + std::to_string(topic.partitions) +
                       " partitions)");
    partition = PartitionId(*a.partition);
  }
  if (w.server) {
    // Refused before stdin is read if one of the server's services owns the topic.
    int64_t none = 0;
    OS_RETURN_IF_ERROR(w.server->append(a.topic, partition, {}, &none));
  }
  auto started = std::chrono::steady_clock::now();
  int64_t produced = 0, tombstones = 0;
  std::vector<Line> lines;
  std::vector<log::RecordData> records;
  auto flush = [&]() -> Status {
    if (lines.empty()) return Status::ok();
    records.clear();
    for (const Line& l : lines) {
      log::RecordData r;
      if (l.key) r.key = *l.key;
      if (l.value) r.value = *l.value;
      else ++tombstones;
      r.headers = headers;
      records.push_back(r);
    }
    if (w.server) {
      int64_t appended = 0;
      Status st = w.server->append(a.topic, partition, records, &appended);
      produced += appended;
      if (!st.is_ok()) return st.with_context("after " + std::to_string(produced) + " records were produced");
    } else {
      auto offsets = log.append(a.topic, partition, records);
      if (!offsets.ok())
        return offsets.status().with_context("after " + std::to_string(produced) +
                                             " records were produced");
      produced += static_cast<int64_t>(lines.size());
    }
    lines.clear();
    return Status::ok();
  };
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    lines.push_back(split_line(std::move(line), a));
    if (lines.size() >= kBatchRecords) OS_RETURN_IF_ERROR(flush());
  }
  if (std::cin.bad()) return io_error("reading stdin failed");
  OS_RETURN_IF_ERROR(flush());
  if (w.log) OS_RETURN_IF_ERROR(w.log->sync());  // a server answers once the records are durable
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "produced %lld records (%lld tombstones) to %s in %.3f s\n",
               static_cast<long long>(produced), static_cast<long long>(tombstones),
               a.topic.c_str(), secs);
  return Status::ok();
}

}  // namespace

void add_produce_command(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  auto a = std::make_shared<ProduceArgs>();
  CLI::App* c = app.add_subcommand("produce", "Append one record per stdin line (kcat -P)");
  c->add_option("topic", a->topic, "Topic to append to (must exist)")->required();
  c->add_option("--partition,-p", a->partition,
                "Partition (default: murmur2 of the key, round robin without keys)")
      // Not NonNegativeNumber: its error message prints DBL_MAX in full.
      ->check(CLI::Range(0, std::numeric_limits<int32_t>::max()));
  c->add_option("--key-delimiter,-K", a->key_delimiter,
                "Split each line at the first DELIM into key and value");
  c->add_flag("--null-empty,-Z", a->null_empty, "An empty value is a null value (a tombstone)");
  c->add_option("--header,-H", a->headers, "Header KEY=VALUE on every record; repeatable")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  c->callback([=, g = &global] { *exit_code = report(produce(*g, *a)); });
}

}  // namespace orderstream::cli
