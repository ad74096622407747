// --bootstrap-servers and -X for the commands that can read an Apache Kafka cluster instead of
// the embedded log (topics list/describe, consume, groups describe). Parsed on the main thread.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "cluster/kafka_client.h"

namespace orderstream::cli {

struct ClusterArgs {
  std::string bootstrap_servers;        // empty: the embedded log of --data-dir
  std::vector<std::string> properties;  // KEY=VALUE, librdkafka's
  int64_t timeout_ms = 10000;

  bool enabled() const { return !bootstrap_servers.empty(); }
};

// Adds the cluster options to cmd (ORDERSTREAM_BOOTSTRAP_SERVERS sets the default). *args must
// outlive the parse.
void add_cluster_options(CLI::App* cmd, ClusterArgs* args);

// The client options they give; InvalidArgument names a malformed property.
Result<cluster::ClientOptions> client_options(const ClusterArgs& args);

// A client of the cluster; InvalidArgument names a malformed or refused property.
Result<std::unique_ptr<cluster::KafkaClient>> cluster_client(const ClusterArgs& args,
                                                             cluster::KafkaClient::Kind kind,
                                                             const std::string& group = "");

}  // namespace orderstream::cli
