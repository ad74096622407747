// The stream runtime `serve` runs the services on: the embedded log's (the default) or a Kafka
// cluster's (`--backend kafka`). What differs for the rest of serve is here: how the runtime
// starts and stops, where the Orders service's commands go, and which instance serves a key.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/owner_forward.h"
#include "cluster/task_worker.h"
#include "log/log.h"
#include "services/command_sink.h"
#include "stream/runtime.h"
#include "stream/task_failure.h"
#include "stream/topology.h"

namespace orderstream::cli {

class ServeBackend {
 public:
  virtual ~ServeBackend() = default;
  // Creates what the runtime needs (topics, here or on the cluster) and its tasks.
  virtual Status init() = 0;
  // Starts the tasks; `url` is where this server's HTTP API answers once it listens.
  virtual Status start(const std::string& url) = 0;
  // Stops the tasks after their current step. Idempotent.
  virtual void stop() = 0;
  virtual std::vector<stream::TaskFailure> failed_tasks() const = 0;
  // Its own metrics (before the server starts).
  virtual void add_metrics(metrics::Registry&) {}
  // One line for the start-up banner, e.g. "45 tasks".
  virtual std::string describe() const = 0;
  // Null: commands are appended to the local log.
  virtual services::CommandSink* commands() { return nullptr; }
  // Unset: every key is served here.
  virtual std::function<api::KeyOwner(std::string_view sub, std::string_view key)> key_owner() const { return {}; }
};

std::unique_ptr<ServeBackend> embedded_backend(log::Log& log, const stream::Topology& topology,
                                               stream::RuntimeOptions options, metrics::Registry* registry);

// The Kafka backend's settings beyond the cluster client's. An empty instance id or advertised
// URL is derived from this host's name and the HTTP port at start.
struct KafkaServeOptions {
  cluster::KafkaBackendOptions backend;
  int32_t partitions = 4;
};
std::unique_ptr<ServeBackend> kafka_backend(log::Log& local, const stream::Topology& topology,
                                            KafkaServeOptions options);

}  // namespace orderstream::cli
