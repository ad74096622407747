// Writing commands beside a running server. `serve` records where it listens in
// <data-dir>/serve.json (cli/serve_file.h); a writing command that finds the data directory held
// (Busy) and a live server recorded there does its work through that server's admin API
// (http/admin_routes.cpp), as Kafka's tools ask the broker, and prints what the direct path prints. Single-threaded: one
// ServerClient per command, on the main thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "common/status.h"
#include "log/log.h"

namespace orderstream::cli {

// A live `orderstream serve` holding a data directory, and its admin API. Errors from the
// server carry its message (a 403 refusal included: "topic orders is written only by ...");
// IOError when it does not answer.
class ServerClient {
 public:
  // Called when opening data_dir for writing returned `busy` (the writer lock is held). Returns
  // the recorded server if serve.json names one whose pid runs and whose URL answers as that
  // pid serving this directory; otherwise `busy`, its message saying why no server can be used.
  // A stale serve.json (its server killed) is never trusted, only explained.
  static Result<std::unique_ptr<ServerClient>> find(const std::string& data_dir, const Status& busy);
  ~ServerClient();

  const std::string& url() const { return url_; }
  int64_t pid() const { return pid_; }
  // The API token it sends (serve.json's, or ORDERSTREAM_API_TOKEN), empty for none.
  const std::string& token() const { return token_; }

  // As Log::create_topic / alter_topic / delete_topic. configs are the CLI's KEY=VALUE strings.
  // alter_topic returns the topic's configs after the change.
  Status create_topic(const std::string& name, int32_t partitions, const std::vector<std::string>& configs);
  Result<log::TopicConfig> alter_topic(const std::string& name, const std::vector<std::string>& configs);
  Status delete_topic(const std::string& name);
  // As Log::append: to `partition`, or by key / round robin. Sends as many requests as the
  // server's body limit needs (each its own txn); *appended counts the records the server
  // acknowledged, also on error. Empty `records` only checks that the server would accept writes
  // to `topic` (it exists and no service owns it).
  Status append(const std::string& topic, std::optional<PartitionId> partition,
                std::span<const log::RecordData> records, int64_t* appended);
  // Commits consumer-group offsets in one txn. Empty: only checks that no service owns `group`.
  Status commit_offsets(const std::string& group,
                        const std::vector<std::pair<log::TopicPartition, Offset>>& offsets);
  // As Log::compact with the server's clock; empty topic: every compacted topic.
  Result<log::CleanerStats> compact(const std::string& topic);

 private:
  class Connection;
  enum class Method { kGet, kPost, kDelete };
  ServerClient(std::string url, int64_t pid, size_t max_body_bytes, std::string token,
               std::unique_ptr<Connection> conn);
  // The body of a 2xx answer, else the server's error as a Status.
  Result<std::string> call(Method method, const std::string& target, const std::string& body);

  std::string url_;
  int64_t pid_;
  size_t max_body_bytes_;
  std::string token_;
  std::unique_ptr<Connection> conn_;
};

// Where a writing command writes: the log, opened by this process, or the live server that holds
// it (exactly one is set).
struct WriteTarget {
  std::unique_ptr<log::Log> log;
  std::unique_ptr<ServerClient> server;
};

// open_log(global, access); when that is Busy, ServerClient::find. REQUIRES: a writing access.
Result<WriteTarget> open_for_write(const GlobalOptions& global, Access access);

}  // namespace orderstream::cli
